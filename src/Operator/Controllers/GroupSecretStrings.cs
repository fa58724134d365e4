using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>
/// The informer transforms of SecretGroups and their managed Secrets, which hold two strings in common: the group's uid
/// (the Secret's group-uid annotation and owner reference) and the data hash (the group's status.dataHash, the
/// Secret's data-hash annotation). Each transform takes the other cache's instance when the text is equal, and a
/// re-cached group keeps its previous uid instance, so the caches hold each once per group, not twice (issue 21:
/// ~270 B per group). Only equal text is shared; the caches are resolved at the first call, as the informers need each other.
/// </summary>
public sealed class GroupSecretStrings(IServiceProvider services)
{
    private IResourceCache<SecretGroup>? groups;
    private IResourceCache<V1Secret>? secrets;

    private IResourceCache<SecretGroup> Groups => groups ??= services.GetRequiredService<IResourceCache<SecretGroup>>();

    private IResourceCache<V1Secret> Secrets => secrets ??= services.GetRequiredService<IResourceCache<V1Secret>>();

    /// <summary>The SecretGroup transform: <see cref="CachedGroups.Compact"/>, then the shared uid and data hash.</summary>
    public SecretGroup Group(SecretGroup group)
    {
        CachedGroups.Compact(group);
        if (group.Metadata?.Name is not { } name)
        {
            return group;
        }

        var key = new ObjectKey(group.Metadata.NamespaceProperty, name);
        var previous = Groups.Get(key);
        group.Metadata.Uid = Same(group.Metadata.Uid, previous?.Metadata?.Uid);
        if (group.Status is { DataHash: { } hash } status)
        {
            var secret = status.SecretName is { } secretName ? Secrets.Get(new ObjectKey(key.Namespace, secretName)) : null;
            status.DataHash = Same(Same(hash, previous?.Status?.DataHash), secret is null ? null : CachedSecrets.VerifiedHashOf(secret));
        }

        return group;
    }

    /// <summary>The managed Secret transform: <see cref="CachedSecrets.Slim"/>, then the owning group's uid and data hash.</summary>
    public V1Secret Secret(V1Secret secret)
    {
        var slim = CachedSecrets.Slim(secret);
        var meta = slim.Metadata;
        var owner = meta.OwnerReferences?.FirstOrDefault(o => o.Kind == SecretGroup.KindName)?.Name
            ?? (meta.Labels?.TryGetValue(ManagedLabels.Group, out var label) == true ? label : null);
        if (owner is null || Groups.Get(new ObjectKey(meta.NamespaceProperty, owner)) is not { } group || meta.Annotations is not { } annotations)
        {
            return slim;
        }

        var uid = group.Metadata?.Uid;
        if (uid is not null && annotations.TryGetValue(ManagedLabels.GroupUid, out var annotatedUid) && annotatedUid == uid)
        {
            annotations[ManagedLabels.GroupUid] = uid;
        }

        foreach (var reference in meta.OwnerReferences ?? [])
        {
            reference.Uid = Same(reference.Uid, uid);
        }

        var hash = group.Status?.DataHash;
        foreach (var name in (string[])[ManagedLabels.DataHash, CachedSecrets.VerifiedHash])
        {
            if (hash is not null && annotations.TryGetValue(name, out var annotated) && annotated == hash)
            {
                annotations[name] = hash;
            }
        }

        return slim;
    }

    private static string? Same(string? value, string? other) => other is not null && value == other ? other : value;
}
