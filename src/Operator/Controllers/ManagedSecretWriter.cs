using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>Creates or updates a group's managed Secret, only when its content hash changed.</summary>
[Rbac("", "secrets", "list,watch", "The managed-Secret informer; it selects the operator's label, but RBAC cannot narrow list and watch by label.")]
[Rbac("", "secrets", "get,create,update,delete", "Managed Secrets are created, replaced when their content hash changes, and deleted when a group stops owning them.")]
public sealed class ManagedSecretWriter(ResourceClient<V1Secret> secrets, IResourceCache<V1Secret> cache, MergedSecretWriter merged)
{
    /// <summary>The API server's limit on a Secret's data (corev1 MaxSecretSize); an immutable Secret is only replaced by data under it.</summary>
    private const long MaxSecretBytes = 1024 * 1024;

    /// <summary>
    /// Whether the group's managed Secret still holds data of <paramref name="hash"/>, unedited and owned by the group:
    /// the informer's copy first; the API when the cache may lag our own write (cheaper than a store read).
    /// </summary>
    public async Task<bool> IsIntactAsync(SecretGroup group, string secretName, string hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (IsMerge(group))
        {
            return await merged.IsIntactAsync(group, secretName, hash, cancellationToken).ConfigureAwait(false);
        }

        var cached = cache.Get(new ObjectKey(group.Metadata.NamespaceProperty, secretName));
        if (cached is not null && CachedSecrets.VerifiedHashOf(cached) == hash && IsOwnedBy(cached, group))
        {
            return true;
        }

        var live = await ReadAsync(group.Metadata.NamespaceProperty, secretName, cancellationToken).ConfigureAwait(false);
        return live is not null && VerifiedHashOf(live) == hash && IsOwnedBy(live, group);
    }

    /// <summary>The Secret collaborators may be granted after a sync: the one the group manages, none for creationPolicy Merge.</summary>
    public static string? GrantableTarget(SecretGroup group, string secretName) => IsMerge(group) ? null : secretName;

    private static bool IsMerge(SecretGroup group) => group.Spec.Target?.Creation == SecretTargetSpec.Merge;

    /// <summary>
    /// The name of the Secret at the group's target that the group owns (an owner reference to its uid, as the cache
    /// shows it), else null: what its collaborators may be granted when a sync did not get as far as writing.
    /// </summary>
    public string? OwnedTargetOf(SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var target = group.Spec.Target?.Name ?? group.Metadata.Name;
        var cached = cache.Get(new ObjectKey(group.Metadata.NamespaceProperty, target));
        return cached is not null && !IsMerge(group) && IsOwnedBy(cached, group) ? target : null;
    }

    /// <summary>Reads the managed Secret from the API (not the cache) when the cache cannot be trusted.</summary>
    public Task<V1Secret?> ReadAsync(string ns, string name, CancellationToken cancellationToken) => secrets.GetAsync(new ObjectKey(ns, name), cancellationToken);

    /// <summary>The keyed hash of the data a Secret holds now, or null when it carries no salt (not ours, or edited).</summary>
    public static string? HashOf(V1Secret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return SaltOf(secret) is { } salt
            ? SecretData.Hash((secret.Data ?? new Dictionary<string, byte[]>()).ToDictionary(p => p.Key, p => p.Value), salt)
            : null;
    }

    /// <summary>The hash of the data present, when the annotated hash agrees with it; null when edited or not ours.</summary>
    public static string? VerifiedHashOf(V1Secret secret)
    {
        var actual = HashOf(secret);
        // The annotation's own instance: the cache keeps it as the verified hash too, one string per Secret (issue 21).
        return actual is not null && secret.Metadata.Annotations?.TryGetValue(ManagedLabels.DataHash, out var annotated) == true && annotated == actual ? annotated : null;
    }

    /// <summary>
    /// Writes <paramref name="data"/>, then deletes Secrets the group managed under an old name; returns whether the
    /// Secret was created or changed, and the data's keyed hash. The informer's slim copy saves the API read: absent
    /// means create at once (a 409 falls back to reading), and an intact copy with the same hash means nothing to write.
    /// </summary>
    public async Task<(bool Written, string Hash)> WriteAsync(SecretGroup group, string secretName, IReadOnlyDictionary<string, byte[]> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var result = IsMerge(group)
            ? await merged.WriteAsync(group, secretName, data, cancellationToken).ConfigureAwait(false)
            : await ApplyAsync(group, secretName, data, cancellationToken).ConfigureAwait(false);
        await DeleteStaleAsync(group, secretName, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task<(bool Written, string Hash)> ApplyAsync(SecretGroup group, string secretName, IReadOnlyDictionary<string, byte[]> data, CancellationToken cancellationToken)
    {
        var key = new ObjectKey(group.Metadata.NamespaceProperty, secretName);
        var cached = cache.Get(key);

        // The cached copy is slim (no data): its verified hash was computed when it entered the cache.
        bool UpToDate(V1Secret s) => HasDesiredMetadata(s, group) && SaltOf(s) is { } salt
            && (ReferenceEquals(s, cached) ? CachedSecrets.VerifiedHashOf(s) : VerifiedHashOf(s)) == SecretData.Hash(data, salt);

        V1Secret Build(V1Secret? existing)
        {
            var secret = existing ?? new V1Secret { Metadata = new V1ObjectMeta { Name = secretName, NamespaceProperty = key.Namespace }, Type = TypeOf(group) };
            var salt = (existing is null ? null : SaltOf(existing)) ?? SecretData.NewSalt();
            Stamp(secret, group, data, SecretData.Hash(data, salt), salt);
            return secret;
        }

        try
        {
            var (write, secret) = await OwnedObjects.CreateOrUpdateAsync(
                secrets, group, key, cached, UpToDate, Build, "SecretConflict", "; delete it or set spec.target.name to another name", cancellationToken,
                meta => GroupOwnership.IsOwnedBy(meta, group) || IsOrphanOf(meta, group) || IsAdoptable(meta, group)).ConfigureAwait(false);
            return (write != OwnedWrite.Unchanged, secret.Metadata.Annotations[ManagedLabels.DataHash]);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.UnprocessableEntity)
        {
            // An immutable Secret's data (and immutable itself) cannot change, only the whole Secret: delete that version
            // of it and create it anew.
            // So can a Secret's type (spec.target.template.type changed).
            var live = await ReadAsync(key.Namespace!, secretName, cancellationToken).ConfigureAwait(false);
            if (live is null || (live.Immutable != true && live.Type == TypeOf(group)) || !(IsOwnedBy(live, group) || IsAdoptable(live.Metadata, group))
                || data.Sum(p => (long)p.Value.Length) > MaxSecretBytes)
            {
                throw WriteFailed(key, e);
            }

            try
            {
                await secrets.DeleteAsync(key, new V1Preconditions { Uid = live.Metadata.Uid, ResourceVersion = live.Metadata.ResourceVersion }, cancellationToken).ConfigureAwait(false);
                var created = await secrets.CreateAsync(Build(null), cancellationToken).ConfigureAwait(false);
                return (true, created.Metadata.Annotations[ManagedLabels.DataHash]);
            }
            catch (HttpOperationException again)
            {
                throw WriteFailed(key, again);
            }
        }
        catch (HttpOperationException e)
        {
            throw WriteFailed(key, e);
        }
    }

    /// <summary>A refused write as a condition; the response body can echo the Secret, so only the status code is kept.</summary>
    internal static ConditionException WriteFailed(ObjectKey key, HttpOperationException e)
    {
        var invalid = e.Response.StatusCode == HttpStatusCode.UnprocessableEntity;
        return new ConditionException(
            invalid ? "SecretTooLarge" : "SecretWriteFailed",
            $"writing Secret '{key}' failed with HTTP {(int)e.Response.StatusCode}{(invalid ? " (invalid or over 1 MiB)" : "")}",
            retry: true);
    }

    private static string? SaltOf(V1Secret secret) =>
        secret.Metadata?.Annotations?.TryGetValue(ManagedLabels.HashSalt, out var salt) == true && !string.IsNullOrEmpty(salt) ? salt : null;

    /// <summary>Deletes Secrets this group managed under an old target name.</summary>
    private async Task DeleteStaleAsync(SecretGroup group, string currentName, CancellationToken cancellationToken)
    {
        var ns = group.Metadata.NamespaceProperty;
        foreach (var stale in cache.ByIndex(OwnerIndex.Name, group.Metadata.Uid ?? "").Where(s => s.Metadata.NamespaceProperty == ns && s.Metadata.Name != currentName && IsOwnedBy(s, group)))
        {
            await secrets.DeleteAsync(ObjectKey.From(stale), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the group manages the Secret: an owner reference to it, or (creationPolicy Orphan) its uid annotated.</summary>
    public static bool IsOwnedBy(V1Secret secret, SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return GroupOwnership.IsManagedSecretOf(secret.Metadata, group);
    }

    private static bool IsOrphanOf(V1ObjectMeta meta, SecretGroup group) =>
        meta.Annotations?.TryGetValue(ManagedLabels.GroupUid, out var uid) == true && uid == group.Metadata.Uid && !GroupOwnership.IsOwnedBy(meta, group);

    /// <summary>
    /// A Secret orphaned by an earlier group of this name in this namespace (only one group of a name can exist there at
    /// a time): no group owns it any more, so a group re-created by GitOps takes it over instead of reporting a conflict.
    /// </summary>
    private static bool IsAdoptable(V1ObjectMeta meta, SecretGroup group) =>
        meta.Annotations?.ContainsKey(ManagedLabels.GroupUid) == true
        && meta.Labels?.TryGetValue(ManagedLabels.Group, out var name) == true && name == group.Metadata.Name
        && meta.OwnerReferences?.Any(o => o.Kind == SecretGroup.KindName) != true;

    private static bool HasDesiredMetadata(V1Secret secret, SecretGroup group)
    {
        var labels = secret.Metadata.Labels;
        if (labels is null || !labels.TryGetValue(ManagedLabels.Group, out var g) || g != group.Metadata.Name)
        {
            return false;
        }

        // The policy decides how the group holds the Secret (owner reference or uid annotation) and whether it is immutable.
        var orphan = group.Spec.Target?.Creation == SecretTargetSpec.Orphan;
        if (GroupOwnership.IsOwnedBy(secret.Metadata, group) == orphan || IsOrphanOf(secret.Metadata, group) != orphan
            || (secret.Immutable == true) != (group.Spec.Target?.Immutable == true))
        {
            return false;
        }

        return (secret.Type ?? "Opaque") == TypeOf(group) && ExtraLabels(group).All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value)
            && ExtraAnnotations(group).All(p => secret.Metadata.Annotations?.TryGetValue(p.Key, out var v) == true && v == p.Value);
    }

    /// <summary>The Secret type the group's spec asks for: spec.target.template.type, else Opaque.</summary>
    private static string TypeOf(SecretGroup group) => group.Spec.Target?.Template?.Type ?? "Opaque";

    private static IEnumerable<KeyValuePair<string, string>> ExtraLabels(SecretGroup group) =>
        (group.Spec.Target?.Labels ?? new Dictionary<string, string>()).Concat(group.Spec.Target?.Template?.Metadata?.Labels ?? new Dictionary<string, string>());

    private static IEnumerable<KeyValuePair<string, string>> ExtraAnnotations(SecretGroup group) =>
        (group.Spec.Target?.Annotations ?? new Dictionary<string, string>()).Concat(group.Spec.Target?.Template?.Metadata?.Annotations ?? new Dictionary<string, string>());

    private static void Stamp(V1Secret secret, SecretGroup group, IReadOnlyDictionary<string, byte[]> data, string hash, string salt)
    {
        var meta = secret.Metadata;
        meta.Labels ??= new Dictionary<string, string>();
        foreach (var (k, v) in ExtraLabels(group))
        {
            meta.Labels[k] = v;
        }

        meta.Labels[ManagedLabels.ManagedBy] = ManagedLabels.ManagedByValue;
        meta.Labels[ManagedLabels.Group] = group.Metadata.Name;
        meta.Annotations ??= new Dictionary<string, string>();
        foreach (var (k, v) in ExtraAnnotations(group))
        {
            meta.Annotations[k] = v;
        }

        meta.Annotations[ManagedLabels.DataHash] = hash;
        meta.Annotations[ManagedLabels.HashSalt] = salt;
        if (group.Spec.Target?.Creation == SecretTargetSpec.Orphan)
        {
            // No owner reference, so the garbage collector leaves the Secret when the group goes; the uid marks it as managed.
            meta.Annotations[ManagedLabels.GroupUid] = group.Metadata.Uid;
            meta.OwnerReferences = null;
        }
        else
        {
            meta.Annotations.Remove(ManagedLabels.GroupUid);
            meta.OwnerReferences = [GroupOwnership.ReferenceTo(group)];
        }

        secret.Type = TypeOf(group);
        secret.Immutable = group.Spec.Target?.Immutable == true ? true : null;
        secret.Data = data.ToDictionary(p => p.Key, p => p.Value);
        secret.StringData = null;
    }
}
