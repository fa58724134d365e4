using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>Group FQN ownership: a group FQN <c>&lt;tenant&gt;:&lt;name&gt;</c> belongs to the oldest group of that name.</summary>
public sealed class GroupDirectory(IResourceCache<SecretGroup> groups, SyncLedger ledger)
{
    /// <summary>The group that owns the FQN of groups named <paramref name="name"/>, if any.</summary>
    public SecretGroup? OwnerOf(string name) => groups.List()
        .Where(g => g.Metadata.Name == name && g.Metadata.DeletionTimestamp is null)
        .OrderBy(g => g.Metadata.CreationTimestamp ?? DateTime.MaxValue)
        .ThenBy(g => g.Metadata.Uid, StringComparer.Ordinal)
        .FirstOrDefault();

    /// <summary>Groups of the same name in other namespaces (to requeue when the owner goes away).</summary>
    public IEnumerable<SecretGroup> Namesakes(ObjectKey key) =>
        groups.List().Where(g => g.Metadata.Name == key.Name && g.Metadata.NamespaceProperty != key.Namespace);

    /// <summary>Groups with a key that aliases a key of group <paramref name="name"/>.</summary>
    public IEnumerable<SecretGroup> Aliasing(string tenant, string name)
    {
        var prefix = $"tfy-secret://{tenant}:{name}:";
        return groups.List().Where(g => g.Spec.Secrets?.Any(s => s.RemoteRef?.StartsWith(prefix, StringComparison.Ordinal) == true) == true);
    }

    /// <summary>A stamp of the data of every group this group aliases; it changes when any of them re-syncs with new data.</summary>
    public string AliasStamp(SecretGroup group, string tenant)
    {
        ArgumentNullException.ThrowIfNull(group);
        var prefix = $"tfy-secret://{tenant}:";
        var targets = (group.Spec.Secrets ?? [])
            .Select(s => s.RemoteRef)
            .Where(r => r?.StartsWith(prefix, StringComparison.Ordinal) == true)
            .Select(r => r![prefix.Length..].Split(':')[0])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(n => $"{n}={(OwnerOf(n) is { } owner ? DataHashOf(owner) : null)}");
        return string.Join(";", targets);
    }

    // The ledger is fresher than the cache right after a sync in this process; the status covers restarts.
    public string? DataHashOf(SecretGroup group) => Record(group)?.DataHash ?? group.Status?.DataHash;

    public string? SecretNameOf(SecretGroup group) => Record(group)?.SecretName ?? group.Status?.SecretName;

    private SyncRecord? Record(SecretGroup group) => ledger.Get(ObjectKey.From(group), group.Metadata.Uid);
}
