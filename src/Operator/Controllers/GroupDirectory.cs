using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>The SecretGroup cache's indexes, so lookups by name, alias target or integration do not scan every group.</summary>
public static class GroupIndexes
{
    /// <summary>metadata.name (FQN ownership, namesakes, credentials read from a group).</summary>
    public const string Name = "name";

    /// <summary><c>&lt;tenant&gt;:&lt;group&gt;</c> of every <c>tfy-secret://</c> remoteRef (the groups this one aliases).</summary>
    public const string Aliases = "aliases";

    /// <summary>The integration name at the end of spec.integrationFqn (<c>...:secret-store:&lt;name&gt;</c>).</summary>
    public const string Integration = "integration";

    public static IEnumerable<string> NameOf(SecretGroup group) => [group.Metadata.Name];

    public static IEnumerable<string> AliasTargetsOf(SecretGroup group) => AliasedGroups(group).Select(g => g.ToString());

    public static IEnumerable<string> IntegrationOf(SecretGroup group) =>
        IntegrationNameOf(group.Spec?.IntegrationFqn) is { } name ? [name] : [];

    /// <summary>The groups whose keys <paramref name="group"/> aliases with <c>tfy-secret://</c> remoteRefs (strictly parsed).</summary>
    public static IEnumerable<GroupFqn> AliasedGroups(SecretGroup group) => (group.Spec?.Secrets ?? [])
        .Select(s => ReferenceParser.TryParseReference(s.RemoteRef, "remoteRef", ReferenceForms.GroupKey, out var reference, out _) ? reference as GroupKeyReference : null)
        .OfType<GroupKeyReference>()
        .Select(r => r.Secret.GroupFqn)
        .Distinct();

    /// <summary>The integration name of a valid integration FQN, else null.</summary>
    public static string? IntegrationNameOf(string? fqn) =>
        ReferenceParser.TryParseIntegrationFqn(fqn, "integrationFqn", out var parsed, out _) ? parsed.Name : null;
}

/// <summary>The index on the caches of managed Secrets, Roles and RoleBindings: the UIDs of the groups owning them.</summary>
public static class OwnerIndex
{
    public const string Name = "owner-group-uid";

    public static IEnumerable<string> UidsOf(V1ObjectMeta meta) =>
        meta?.OwnerReferences?.Where(o => o.Kind == SecretGroup.KindName && !string.IsNullOrEmpty(o.Uid)).Select(o => o.Uid) ?? [];

    /// <summary>Registers the index on every cache of objects a group owns.</summary>
    public static IServiceCollection AddOwnerIndexes(this IServiceCollection services) => services
        .AddInformerIndex<V1Secret>(Name, s => UidsOf(s.Metadata))
        .AddInformerIndex<V1Role>(Name, r => UidsOf(r.Metadata))
        .AddInformerIndex<V1RoleBinding>(Name, b => UidsOf(b.Metadata));
}

/// <summary>Group FQN ownership: a group FQN <c>&lt;tenant&gt;:&lt;name&gt;</c> belongs to the oldest group of that name.</summary>
public sealed class GroupDirectory(IResourceCache<SecretGroup> groups, SyncLedger ledger)
{
    /// <summary>The group that owns the FQN of groups named <paramref name="name"/>, if any.</summary>
    public SecretGroup? OwnerOf(string name) => groups.ByIndex(GroupIndexes.Name, name)
        .Where(g => g.Metadata.DeletionTimestamp is null)

        // A group that has synced keeps its FQN even against a namesake stamped in the same second.
        .OrderBy(g => HasSynced(g) ? 0 : 1)
        .ThenBy(g => g.Metadata.CreationTimestamp ?? DateTime.MaxValue)
        .ThenBy(g => g.Metadata.Uid, StringComparer.Ordinal)
        .FirstOrDefault();

    private static bool HasSynced(SecretGroup group) =>
        group.Status?.LastSyncTime is not null && group.Status.Conditions?.Any(c => c.Type == "Ready" && c.Reason == "FqnConflict") != true;

    /// <summary>Groups of the same name in other namespaces (to requeue when the owner goes away).</summary>
    public IEnumerable<SecretGroup> Namesakes(ObjectKey key) =>
        groups.ByIndex(GroupIndexes.Name, key.Name).Where(g => g.Metadata.NamespaceProperty != key.Namespace);

    /// <summary>Groups with a key that aliases a key of group <paramref name="name"/>.</summary>
    public IEnumerable<SecretGroup> Aliasing(string tenant, string name) => groups.ByIndex(GroupIndexes.Aliases, new GroupFqn(tenant, name).ToString());

    /// <summary>A stamp of the data of every group this group aliases; it changes when any of them re-syncs with new data.</summary>
    public string AliasStamp(SecretGroup group, string tenant)
    {
        ArgumentNullException.ThrowIfNull(group);
        var targets = GroupIndexes.AliasedGroups(group)
            .Where(g => g.Tenant == tenant)
            .Select(g => g.Group)
            .Order(StringComparer.Ordinal)
            .Select(n => $"{n}={(OwnerOf(n) is { } owner ? DataHashOf(owner) : null)}");
        return string.Join(";", targets);
    }

    // The ledger is fresher than the cache right after a sync in this process; the status covers restarts.
    public string? DataHashOf(SecretGroup group) => Record(group)?.DataHash ?? group.Status?.DataHash;

    public string? SecretNameOf(SecretGroup group) => Record(group)?.SecretName ?? group.Status?.SecretName;

    private SyncRecord? Record(SecretGroup group) => ledger.Get(ObjectKey.From(group), group.Metadata.Uid);
}
