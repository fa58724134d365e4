using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.References;

/// <summary>
/// Group FQN ownership: a group FQN <c>&lt;tenant&gt;:&lt;name&gt;</c> belongs to the group of that name in the namespace
/// its claim names (<see cref="GroupClaims"/>); while nobody has claimed it, to the oldest group of that name, which
/// claims it at its next reconcile. Every lookup by group name goes through <see cref="OwnerOf"/>: one answer, whatever
/// the cache's order, and never a namesake that does not own its name.
/// </summary>
public sealed class GroupDirectory(IResourceCache<SecretGroup> groups, GroupClaims claims)
{
    /// <summary>The group that owns the FQN of groups named <paramref name="name"/>, if any.</summary>
    public SecretGroup? OwnerOf(string name)
    {
        var live = groups.ByIndex(GroupIndexes.Name, name).Where(g => g.Metadata.DeletionTimestamp is null);
        if (claims.NamespaceOf(name) is { } claimed)
        {
            return live.FirstOrDefault(g => g.Metadata.NamespaceProperty == claimed);
        }

        // Unclaimed: a group that has synced keeps its FQN even against a namesake stamped in the same second.
        return live
            .OrderBy(g => HasSynced(g) ? 0 : 1)
            .ThenBy(g => g.Metadata.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(g => g.Metadata.Uid, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>The namespace whose claim owns the FQN of groups named <paramref name="name"/>, or null while unclaimed.</summary>
    public string? ClaimedBy(string name) => claims.NamespaceOf(name);

    private static bool HasSynced(SecretGroup group) =>
        group.Status?.LastSyncTime is not null && group.Status.Conditions?.Any(c => c.Type == "Ready" && c.Reason == "FqnConflict") != true;

    /// <summary>Groups of the same name in other namespaces (to requeue when the owner goes away).</summary>
    public IEnumerable<SecretGroup> Namesakes(ObjectKey key) =>
        groups.ByIndex(GroupIndexes.Name, key.Name).Where(g => g.Metadata.NamespaceProperty != key.Namespace);

    /// <summary>Groups with a key that aliases a key of group <paramref name="name"/>.</summary>
    public IEnumerable<SecretGroup> Aliasing(string tenant, string name) => groups.ByIndex(GroupIndexes.Aliases, new GroupFqn(tenant, name).ToString());

    /// <summary>
    /// A hash of the data hashes of every group <paramref name="group"/> aliases (as their status shows them): it changes
    /// when any of them re-syncs with new data, which makes this group due.
    /// </summary>
    public string AliasStamp(SecretGroup group, string tenant)
    {
        ArgumentNullException.ThrowIfNull(group);
        var targets = GroupIndexes.AliasedGroups(group)
            .Where(g => g.Tenant == tenant)
            .Select(g => g.Group)
            .Order(StringComparer.Ordinal)
            .Select(n => $"{n}={OwnerOf(n)?.Status?.DataHash}")
            .ToList();
        return targets.Count == 0 ? "" : Hashes.Digest(string.Join(";", targets));
    }
}
