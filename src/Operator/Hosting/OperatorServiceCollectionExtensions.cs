using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Operator.Controllers;
using Operator.Credentials;
using Operator.Entities.V1Alpha1;
using Operator.Hosting.Flags;
using Operator.Observability;
using Operator.References;
using Operator.Runtime;
using Operator.Stores;
using Operator.Webhooks;
using Operator.Workloads;
using Operator.RestApi;

namespace Operator.Hosting;

/// <summary>Everything the operator registers, in one place; the host supplies IKubernetes and TimeProvider.</summary>
public static class OperatorServiceCollectionExtensions
{
    /// <summary>Registers the operator with the flags read from configuration keys (<c>Tenant</c>, <c>SyncInterval</c>, ...), as tests do.</summary>
    public static IServiceCollection AddSecretGroupOperator(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSecretGroupOperator(FlagValues.FromConfiguration(configuration));

    /// <summary>Registers the operator with parsed flags; bad flags fail the host's start, naming them.</summary>
    public static IServiceCollection AddSecretGroupOperator(this IServiceCollection services, FlagValues flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        services.TryAddSingleton(flags);
        services.AddFlagOptions<TenancyOptions>(flags);
        services.AddFlagOptions<SyncOptions>(flags);
        services.AddFlagOptions<SharedReadOptions>(flags);
        services.AddFlagOptions<RolloutOptions>(flags);
        services.AddFlagOptions<EndpointOptions>(flags);
        services.AddFlagOptions<LoggingOptions>(flags);
        services.AddFlagOptions<WebhookOptions>(flags);
        services.AddFlagOptions<RestApiOptions>(flags);
        services.AddFlagOptions<K8sSecretResolverOptions>(flags);
        services.AddFlagOptions<StartupOptions>(flags);
        services.AddFlagOptions<OperatorRuntimeOptions>(flags);
        services.TryAddSingleton(TimeProvider.System);

        var workers = flags.Get(OperatorFlags.Workers);
        services.AddOperatorRuntime(o =>
        {
            o.LeaderElection.LeaseNamespace = flags.Get(OperatorFlags.Namespace);
            o.LeaderElection.LeaseName = "secretgroup-operator-" + flags.Get(OperatorFlags.Tenant);
        });

        // Only Secrets the operator manages are cached.
        services.AddInformer<V1Secret>(o => o.LabelSelector = ManagedLabels.Selector);
        services.AddSingleton<GroupSecretStrings>();
        services.AddInformerTransform<V1Secret>(sp => sp.GetRequiredService<GroupSecretStrings>().Secret);
        services.AddInformer<V1Role>(o => o.LabelSelector = ManagedLabels.Selector);
        services.AddInformer<V1RoleBinding>(o => o.LabelSelector = ManagedLabels.Selector);
        // Claims on group FQNs: only the operator's namespace, only claims.
        services.AddInformer<V1ConfigMap>(o =>
        {
            o.Namespace = flags.Get(OperatorFlags.Namespace);
            o.LabelSelector = GroupClaims.Selector;
        });
        services.AddInformerTransform<V1ConfigMap>(GroupClaims.CacheForm);
        services.AddController<SecretStoreIntegration, SecretStoreIntegrationReconciler>(o => o.Workers = Math.Max(1, workers / 2))
            // Projected monthly calls: group specs coming and going; coalesced by ProjectionClock, so refreshes.
            .Watches<SecretGroup>(IntegrationTriggers.ReadyIntegrationOf, IntegrationTriggers.CostInputsChanged, QueuePriority.Refresh);
        services.AddController<SecretGroup, SecretGroupReconciler>(o => o.Workers = workers)
            // One integration event fans out to every group using it: a refresh wave, so new and edited groups go first.
            .Watches<SecretStoreIntegration>(GroupTriggers.GroupsUsing, GroupTriggers.IntegrationPublished, QueuePriority.Refresh)
            .Watches<SecretGroup>(GroupTriggers.GroupsAliasing, GroupTriggers.AliasTargetChanged)
            .Watches<SecretGroup>(GroupTriggers.Namesakes, GroupTriggers.GroupDeleted)
            .Watches<V1ConfigMap>(GroupTriggers.ClaimedGroups)
            .Watches<V1Secret>(s => GroupTriggers.OwnerGroup(s.Metadata))
            .Watches<V1Role>(r => GroupTriggers.OwnerGroup(r.Metadata))
            .Watches<V1RoleBinding>(b => GroupTriggers.OwnerGroup(b.Metadata));
        services.AddInformerTransform<SecretGroup>(sp => sp.GetRequiredService<GroupSecretStrings>().Group);
        services.AddInformerIndex<SecretGroup>(GroupIndexes.Name, GroupIndexes.NameOf);
        services.AddInformerIndex<SecretGroup>(GroupIndexes.Aliases, GroupIndexes.AliasTargetsOf);
        services.AddInformerIndex<SecretGroup>(GroupIndexes.Integration, GroupIndexes.IntegrationOf);
        services.AddOwnerIndexes();

        // Stores: one line each, in Stores/StoreServiceCollectionExtensions.cs.
        services.AddSecretStores();

        services.AddSecretGroupApi();

        services.TryAddSingleton(sp => new K8sSecretResolver(sp.GetRequiredService<IOptions<K8sSecretResolverOptions>>().Value));
        services.TryAddSingleton<IntegrationDirectory>();
        services.TryAddSingleton<StoreClientCache>();
        services.TryAddSingleton<SharedReads>();
        services.TryAddSingleton<StoreConnector>();
        services.TryAddSingleton<CredentialResolver>();
        services.TryAddSingleton<ICredentialSource>(sp => sp.GetRequiredService<CredentialResolver>());
        services.TryAddSingleton<MergedSecretWriter>();
        services.TryAddSingleton<ManagedSecretWriter>();
        services.TryAddSingleton<GroupClaims>();
        services.TryAddSingleton<GroupDirectory>();
        services.TryAddSingleton<AliasResolver>();
        services.TryAddSingleton<GroupRbacWriter>();
        services.TryAddSingleton<GroupResolver>();
        services.TryAddSingleton<ProjectionClock>();
        services.TryAddSingleton<GroupReader>();
        services.TryAddSingleton<Templates.SecretTemplateRenderer>();
        services.TryAddSingleton<GroupStatusWriter>();
        services.TryAddSingleton<ResourceClient<SecretGroup>>();
        services.TryAddSingleton<ResourceClient<SecretStoreIntegration>>();
        services.AddWorkloadIntegration(flags.Get(OperatorFlags.WebhookEnabled));

        services.AddMetrics();
        services.TryAddSingleton<OperatorMetrics>();
        return services;
    }
}
