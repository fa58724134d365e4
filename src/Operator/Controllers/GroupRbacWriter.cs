using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>Applies <see cref="GroupRbac.Desired"/>: creates, updates and deletes only what differs from the cache.</summary>
public sealed class GroupRbacWriter(IKubernetes client, IResourceCache<V1Role> roles, IResourceCache<V1RoleBinding> bindings)
{
    public async Task ApplyAsync(SecretGroup group, string secretName, IReadOnlyCollection<string> tenantAdmins, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var ns = group.Metadata.NamespaceProperty;
        var (wantRoles, wantBindings) = GroupRbac.Desired(group, secretName, tenantAdmins);

        foreach (var role in wantRoles)
        {
            var have = roles.Get(new ObjectKey(ns, role.Metadata.Name));
            if (have is null)
            {
                await IgnoreConflict(client.RbacAuthorizationV1.CreateNamespacedRoleAsync(role, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
            else if (KubernetesJson.Serialize(have.Rules) != KubernetesJson.Serialize(role.Rules))
            {
                role.Metadata.ResourceVersion = have.Metadata.ResourceVersion;
                await client.RbacAuthorizationV1.ReplaceNamespacedRoleAsync(role, role.Metadata.Name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var binding in wantBindings)
        {
            var have = bindings.Get(new ObjectKey(ns, binding.Metadata.Name));
            if (have is null)
            {
                await IgnoreConflict(client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(binding, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
            else if (KubernetesJson.Serialize(have.Subjects) != KubernetesJson.Serialize(binding.Subjects))
            {
                binding.Metadata.ResourceVersion = have.Metadata.ResourceVersion;
                await client.RbacAuthorizationV1.ReplaceNamespacedRoleBindingAsync(binding, binding.Metadata.Name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        // A removed collaborator loses the binding (and the role, when nobody holds it any more).
        var keep = wantBindings.Select(b => b.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in bindings.ByIndex(OwnerIndex.Name, group.Metadata.Uid ?? "").Where(b => b.Metadata.NamespaceProperty == ns && IsOurs(b.Metadata, group) && !keep.Contains(b.Metadata.Name)))
        {
            await IgnoreNotFound(client.RbacAuthorizationV1.DeleteNamespacedRoleBindingAsync(stale.Metadata.Name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        foreach (var stale in roles.ByIndex(OwnerIndex.Name, group.Metadata.Uid ?? "").Where(r => r.Metadata.NamespaceProperty == ns && IsOurs(r.Metadata, group) && !keep.Contains(r.Metadata.Name)))
        {
            await IgnoreNotFound(client.RbacAuthorizationV1.DeleteNamespacedRoleAsync(stale.Metadata.Name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private static bool IsOurs(V1ObjectMeta meta, SecretGroup group) =>
        meta.OwnerReferences?.Any(o => o.Uid == group.Metadata.Uid && o.Kind == SecretGroup.KindName) == true;

    private static async Task IgnoreConflict(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Created meanwhile (cache lag): the next reconcile compares again.
        }
    }

    private static async Task IgnoreNotFound(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }
}
