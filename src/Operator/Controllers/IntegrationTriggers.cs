using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>The SecretStoreIntegration controller's declared watches: which group changes make an integration look again.</summary>
public static class IntegrationTriggers
{
    /// <summary>
    /// A group appeared, went away or changed its spec (keys, refresh, integration): its integration's projected monthly
    /// calls may move. Status-only updates (every sync writes one) pass nothing, so a refresh wave enqueues no integration.
    /// </summary>
    public static WatchPredicate<SecretGroup> CostInputsChanged { get; } = new()
    {
        Updated = (old, current) => old.Metadata.Generation != current.Metadata.Generation || old.Spec.IntegrationFqn != current.Spec.IntegrationFqn,
    };

    /// <summary>
    /// The integration a group names (by the name in its FQN), only while it is Ready: a reconcile of an integration that
    /// is not would check its store again, out of its backoff; it projects anyway once it is Ready.
    /// </summary>
    public static Func<SecretGroup, IEnumerable<ObjectKey>> ReadyIntegrationOf(IServiceProvider services)
    {
        var integrations = services.GetRequiredService<IResourceCache<SecretStoreIntegration>>();
        return group => GroupIndexes.IntegrationOf(group)
            .Select(name => new ObjectKey(null, name))
            .Where(key => integrations.Get(key) is { } integration && Conditions.IsTrue(integration.Status?.Conditions, ConditionTypes.Ready));
    }
}
