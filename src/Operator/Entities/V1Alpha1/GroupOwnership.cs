using k8s.Models;

namespace Operator.Entities.V1Alpha1;

/// <summary>Which objects a SecretGroup owns: the owner reference it puts on them, checked by uid.</summary>
public static class GroupOwnership
{
    /// <summary>Whether <paramref name="meta"/> carries an owner reference to <paramref name="group"/> (by uid).</summary>
    public static bool IsOwnedBy(V1ObjectMeta meta, SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return meta?.OwnerReferences?.Any(o => o.Uid == group.Metadata.Uid && o.Kind == SecretGroup.KindName) == true;
    }

    /// <summary>
    /// Whether <paramref name="meta"/> is <paramref name="group"/>'s managed Secret: owned by reference, or (creationPolicy
    /// Orphan) carrying the group's uid in the annotation the writer sets instead of an owner reference.
    /// </summary>
    public static bool IsManagedSecretOf(V1ObjectMeta meta, SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return IsOwnedBy(meta, group)
            || (meta?.Annotations?.TryGetValue(ManagedLabels.GroupUid, out var uid) == true && uid == group.Metadata.Uid);
    }

    /// <summary>The controller owner reference to <paramref name="group"/> every owned object carries.</summary>
    public static V1OwnerReference ReferenceTo(SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new V1OwnerReference
        {
            ApiVersion = Api.GroupVersion,
            Kind = SecretGroup.KindName,
            Name = group.Metadata.Name,
            Uid = group.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }
}
