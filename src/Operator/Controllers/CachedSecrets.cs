using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>
/// The form managed Secrets take in the informer cache: metadata and the verified data hash, never the values. Keeps
/// values out of the operator's long-lived memory and costs a fraction of a full Secret (make bench: peak RSS).
/// </summary>
public static class CachedSecrets
{
    /// <summary>In-memory only: the verified hash computed when the Secret entered the cache (absent: edited or not ours).</summary>
    public const string VerifiedHash = "secrets.tfy.dev/cache-verified-hash";

    /// <summary>The informer transform: a copy without data, stringData or managedFields, carrying the verified hash.</summary>
    public static V1Secret Slim(V1Secret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var meta = secret.Metadata ?? new V1ObjectMeta();
        // A managed Secret's annotation values are its own (group uid, data hash): keys pooled, values kept as they are.
        var annotations = StringPool.Shared.Share(meta.Annotations, values: false) ?? new CompactMap([]);
        annotations.Remove(VerifiedHash);
        if (ManagedSecretWriter.VerifiedHashOf(secret) is { } verified)
        {
            annotations[VerifiedHash] = verified;
        }

        var slim = new V1Secret
        {
            ApiVersion = StringPool.Shared.Share(secret.ApiVersion),
            Kind = StringPool.Shared.Share(secret.Kind),
            Type = StringPool.Shared.Share(secret.Type),
            Immutable = secret.Immutable,
            Metadata = SlimMetadata.Identity(meta),
        };
        slim.Metadata.NamespaceProperty = StringPool.Shared.Share(meta.NamespaceProperty);
        slim.Metadata.Labels = StringPool.Shared.Share(meta.Labels);

        // A group names its Secret after itself: the name is then the group label's (pooled) instance, not a second copy.
        if (slim.Metadata.Labels?.TryGetValue(ManagedLabels.Group, out var group) == true && group == slim.Metadata.Name)
        {
            slim.Metadata.Name = group;
        }
        slim.Metadata.Annotations = annotations;
        slim.Metadata.OwnerReferences = Owners(meta.OwnerReferences, slim.Metadata.Name, annotations.TryGetValue(ManagedLabels.GroupUid, out var uid) ? uid : null);
        return slim;
    }

    /// <summary>Owner references with the strings they repeat shared: apiVersion and kind pooled, the name the Secret's
    /// own when equal (a group names its Secret after itself), the uid the group-uid annotation's when equal.</summary>
    private static IList<V1OwnerReference>? Owners(IList<V1OwnerReference>? owners, string? name, string? groupUid)
    {
        foreach (var owner in owners ?? [])
        {
            owner.ApiVersion = StringPool.Shared.Share(owner.ApiVersion);
            owner.Kind = StringPool.Shared.Share(owner.Kind);
            owner.Name = owner.Name == name ? name : owner.Name;
            owner.Uid = owner.Uid == groupUid ? groupUid : owner.Uid;
        }

        return owners;
    }

    /// <summary>The verified hash of a cached (slim) Secret; a full Secret is verified from its data.</summary>
    public static string? VerifiedHashOf(V1Secret cached)
    {
        ArgumentNullException.ThrowIfNull(cached);
        if (cached.Data is not null)
        {
            return ManagedSecretWriter.VerifiedHashOf(cached);
        }

        return cached.Metadata?.Annotations?.TryGetValue(VerifiedHash, out var hash) == true ? hash : null;
    }
}
