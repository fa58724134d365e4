using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>
/// Applies <see cref="GroupRbac.Desired"/>: creates or updates what differs, deletes what the group no longer needs.
/// Called after the write step, with the Secret the group owns (null when it owns none: no Secret rule).
/// </summary>
[Rbac("rbac.authorization.k8s.io", "roles", "get,list,watch,create,update,delete", "Collaborators become a Role per group (limited by resourceNames); the informer compares, get reads one the cache missed before replacing it, delete follows removed collaborators.")]
[Rbac("rbac.authorization.k8s.io", "rolebindings", "get,list,watch,create,update,delete", "Each collaborator Role is bound to its subjects by a RoleBinding, kept like the Role.")]
[Rbac("secrets.tfy.dev", "secretgroups", "get,list,watch,update,patch,delete", "Granted to collaborators on their group; the API server lets a Role grant only what its creator holds (no escalate or bind).")]
[Rbac("", "secrets", "get", "Granted to editors and admins on their group's managed Secret; a Role grants only what its creator holds.")]
public sealed class GroupRbacWriter(
    ResourceClient<V1Role> roleApi,
    ResourceClient<V1RoleBinding> bindingApi,
    IResourceCache<V1Role> roles,
    IResourceCache<V1RoleBinding> bindings)
{
    public async Task ApplyAsync(SecretGroup group, string? ownedSecret, IReadOnlyCollection<string> tenantAdmins, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var ns = group.Metadata.NamespaceProperty;
        var (wantRoles, wantBindings) = GroupRbac.Desired(group, ownedSecret, tenantAdmins);

        foreach (var role in wantRoles)
        {
            var key = new ObjectKey(ns, role.Metadata.Name);
            await OwnedObjects.CreateOrUpdateAsync(
                roleApi, group, key, roles.Get(key),
                have => KubernetesJson.Serialize(have.Rules) == KubernetesJson.Serialize(role.Rules),
                have => WithVersionOf(role, have),
                "RbacConflict", "; the operator names a group's Roles secretgroup-<group>-<role>", cancellationToken).ConfigureAwait(false);
        }

        foreach (var binding in wantBindings)
        {
            var key = new ObjectKey(ns, binding.Metadata.Name);
            await OwnedObjects.CreateOrUpdateAsync(
                bindingApi, group, key, bindings.Get(key),
                have => KubernetesJson.Serialize(have.Subjects) == KubernetesJson.Serialize(binding.Subjects),
                have => WithVersionOf(binding, have),
                "RbacConflict", "; the operator names a group's RoleBindings secretgroup-<group>-<role>", cancellationToken).ConfigureAwait(false);
        }

        // A removed collaborator loses the binding (and the role, when nobody holds it any more).
        var keep = wantBindings.Select(b => b.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in bindings.ByIndex(OwnerIndex.Name, group.Metadata.Uid ?? "").Where(b => Stale(b.Metadata, group, keep)))
        {
            await bindingApi.DeleteAsync(ObjectKey.From(stale), cancellationToken).ConfigureAwait(false);
        }

        foreach (var stale in roles.ByIndex(OwnerIndex.Name, group.Metadata.Uid ?? "").Where(r => Stale(r.Metadata, group, keep)))
        {
            await roleApi.DeleteAsync(ObjectKey.From(stale), cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool Stale(V1ObjectMeta meta, SecretGroup group, HashSet<string> keep) =>
        meta.NamespaceProperty == group.Metadata.NamespaceProperty && GroupOwnership.IsOwnedBy(meta, group) && !keep.Contains(meta.Name);

    private static T WithVersionOf<T>(T desired, T? existing)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        desired.Metadata.ResourceVersion = existing?.Metadata.ResourceVersion;
        return desired;
    }
}
