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

    /// <summary>The integration a group names (by the name in its FQN); none for an FQN that does not parse.</summary>
    public static IEnumerable<ObjectKey> IntegrationOf(SecretGroup group) =>
        GroupIndexes.IntegrationOf(group).Select(name => new ObjectKey(null, name));
}
