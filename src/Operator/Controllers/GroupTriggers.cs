using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Operator.References;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>
/// The SecretGroup controller's declared watches: which change elsewhere makes which groups look again. No reconciler
/// enqueues keys itself; these maps and predicates are all of it.
/// </summary>
public static class GroupTriggers
{
    /// <summary>
    /// An integration's published state (FQN, Ready, observed generation) changed, it went away, or it appeared already
    /// reconciled (a relist). A passed connectivity recheck only moves lastValidatedTime: no group looks again for it.
    /// </summary>
    public static WatchPredicate<SecretStoreIntegration> IntegrationPublished { get; } = new()
    {
        Added = i => i.Status?.Fqn is not null,
        Updated = (old, current) => Published(old) != Published(current),
    };

    /// <summary>A group's spec or its data changed, it appeared or went away: the groups aliasing its keys look again.</summary>
    public static WatchPredicate<SecretGroup> AliasTargetChanged { get; } = new()
    {
        Updated = (old, current) => old.Metadata.Generation != current.Metadata.Generation || old.Status?.DataHash != current.Status?.DataHash,
    };

    /// <summary>A group went away: its namesakes look again (the next one takes its FQN over).</summary>
    public static WatchPredicate<SecretGroup> GroupDeleted { get; } = new()
    {
        Added = _ => false,
        Updated = (_, _) => false,
    };

    /// <summary>Groups naming the integration by the FQN it publishes.</summary>
    public static Func<SecretStoreIntegration, IEnumerable<ObjectKey>> GroupsUsing(IServiceProvider services)
    {
        var groups = services.GetRequiredService<IResourceCache<SecretGroup>>();
        return integration => integration.Status?.Fqn is not { } fqn
            ? []
            : groups.ByIndex(GroupIndexes.Integration, integration.Metadata.Name).Where(g => g.Spec.IntegrationFqn == fqn).Select(ObjectKey.From);
    }

    /// <summary>Groups with a key that aliases a key of the group.</summary>
    public static Func<SecretGroup, IEnumerable<ObjectKey>> GroupsAliasing(IServiceProvider services)
    {
        var directory = services.GetRequiredService<GroupDirectory>();
        var tenant = services.GetRequiredService<IOptions<TenancyOptions>>().Value.Tenant;
        // Never the group itself: a self-alias is a cycle, refused by its own reconcile.
        return group => directory.Aliasing(tenant, group.Metadata.Name).Where(g => g.Metadata.Uid != group.Metadata.Uid).Select(ObjectKey.From);
    }

    /// <summary>Groups of the same name in other namespaces.</summary>
    public static Func<SecretGroup, IEnumerable<ObjectKey>> Namesakes(IServiceProvider services)
    {
        var directory = services.GetRequiredService<GroupDirectory>();
        return group => directory.Namesakes(ObjectKey.From(group)).Select(ObjectKey.From);
    }

    /// <summary>A claim on a group FQN appeared, moved or went away: the groups of that name look again.</summary>
    public static Func<V1ConfigMap, IEnumerable<ObjectKey>> ClaimedGroups(IServiceProvider services)
    {
        var groups = services.GetRequiredService<IResourceCache<SecretGroup>>();
        return claim => claim.Data?.TryGetValue(GroupClaims.GroupKey, out var name) == true
            ? groups.ByIndex(GroupIndexes.Name, name).Select(ObjectKey.From)
            : [];
    }

    /// <summary>An edit or delete of a managed object (Secret, Role, RoleBinding) requeues its group, which restores it.</summary>
    public static IEnumerable<ObjectKey> OwnerGroup(V1ObjectMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        if (meta.Labels?.TryGetValue(ManagedLabels.Group, out var group) == true)
        {
            yield return new ObjectKey(meta.NamespaceProperty, group);
        }
    }

    private static (string? Fqn, long? ObservedGeneration, string? Status, string? Reason, string? Message, long? ConditionGeneration) Published(SecretStoreIntegration integration)
    {
        var ready = integration.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        return (integration.Status?.Fqn, integration.Status?.ObservedGeneration, ready?.Status, ready?.Reason, ready?.Message, ready?.ObservedGeneration);
    }
}
