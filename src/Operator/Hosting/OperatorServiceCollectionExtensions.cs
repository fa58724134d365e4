using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Operator.RestApi;
using Operator.Controllers;
using Operator.Credentials;
using Operator.Entities.V1Alpha1;
using Operator.Observability;
using Operator.References;
using Operator.Runtime;
using Operator.Stores;

namespace Operator.Hosting;

/// <summary>Everything the operator registers, in one place; the host supplies IKubernetes and TimeProvider.</summary>
public static class OperatorServiceCollectionExtensions
{
    public static IServiceCollection AddSecretGroupOperator(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OperatorOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        var workers = configuration.GetValue("Workers", 4);
        services.AddOperatorRuntime(o =>
        {
            o.LeaderElection.Enabled = configuration.GetValue("LeaderElect", true);
            o.LeaderElection.LeaseNamespace = configuration.GetValue("Namespace", "default")!;
            o.LeaderElection.LeaseName = "secretgroup-operator-" + configuration.GetValue("Tenant", "default");
            o.LeaderElection.LeaseDuration = Durations.TryParse(configuration["LeaseDuration"], out var lease) ? lease : o.LeaderElection.LeaseDuration;
            o.LeaderElection.RenewDeadline = Durations.TryParse(configuration["LeaseRenewDeadline"], out var renew) ? renew : o.LeaderElection.RenewDeadline;
            o.LeaderElection.RetryPeriod = Durations.TryParse(configuration["LeaseRetryPeriod"], out var retry) ? retry : o.LeaderElection.RetryPeriod;
        });

        // Only Secrets the operator manages are cached.
        services.AddInformer<V1Secret>(o => o.LabelSelector = ManagedLabels.Selector);
        services.AddInformerTransform<V1Secret>(CachedSecrets.Slim);
        services.AddInformer<V1Role>(o => o.LabelSelector = ManagedLabels.Selector);
        services.AddInformer<V1RoleBinding>(o => o.LabelSelector = ManagedLabels.Selector);
        // Claims on group FQNs: only the operator's namespace, only claims.
        services.AddInformer<V1ConfigMap>(o =>
        {
            o.Namespace = configuration.GetValue("Namespace", "default");
            o.LabelSelector = GroupClaims.Selector;
        });
        services.AddController<SecretStoreIntegration, SecretStoreIntegrationReconciler>(o => o.Workers = Math.Max(1, workers / 2));
        services.AddController<SecretGroup, SecretGroupReconciler>(o => o.Workers = workers)
            .Watches<SecretStoreIntegration>(GroupTriggers.GroupsUsing, GroupTriggers.IntegrationPublished)
            .Watches<SecretGroup>(GroupTriggers.GroupsAliasing, GroupTriggers.AliasTargetChanged)
            .Watches<SecretGroup>(GroupTriggers.Namesakes, GroupTriggers.GroupDeleted)
            .Watches<V1ConfigMap>(GroupTriggers.ClaimedGroups)
            .Watches<V1Secret>(s => GroupTriggers.OwnerGroup(s.Metadata))
            .Watches<V1Role>(r => GroupTriggers.OwnerGroup(r.Metadata))
            .Watches<V1RoleBinding>(b => GroupTriggers.OwnerGroup(b.Metadata));
        services.AddInformerIndex<SecretGroup>(GroupIndexes.Name, GroupIndexes.NameOf);
        services.AddInformerIndex<SecretGroup>(GroupIndexes.Aliases, GroupIndexes.AliasTargetsOf);
        services.AddInformerIndex<SecretGroup>(GroupIndexes.Integration, GroupIndexes.IntegrationOf);
        services.AddOwnerIndexes();

        // Stores: one line each, in Stores/StoreServiceCollectionExtensions.cs.
        services.AddSecretStores();

        services.AddSecretGroupApi();

        services.TryAddSingleton(sp => new K8sSecretResolver(new K8sSecretResolverOptions { MountPath = sp.GetRequiredService<IOptions<OperatorOptions>>().Value.TfyK8sSecretsPath }));
        services.TryAddSingleton<IntegrationDirectory>();
        services.TryAddSingleton<StoreClientCache>();
        services.TryAddSingleton<StoreConnector>();
        services.TryAddSingleton<CredentialResolver>();
        services.TryAddSingleton<ICredentialSource>(sp => sp.GetRequiredService<CredentialResolver>());
        services.TryAddSingleton<ManagedSecretWriter>();
        services.TryAddSingleton<GroupClaims>();
        services.TryAddSingleton<GroupDirectory>();
        services.TryAddSingleton<AliasResolver>();
        services.TryAddSingleton<GroupRbacWriter>();
        services.TryAddSingleton<GroupResolver>();
        services.TryAddSingleton<GroupReader>();
        services.TryAddSingleton<GroupStatusWriter>();
        services.TryAddSingleton<ResourceClient<SecretGroup>>();
        services.TryAddSingleton<ResourceClient<SecretStoreIntegration>>();
        services.AddWorkloadIntegration(configuration);

        services.AddMetrics();
        services.TryAddSingleton<OperatorMetrics>();
        return services;
    }
}
