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
public sealed class ManagedSecretWriter(ResourceClient<V1Secret> secrets, IResourceCache<V1Secret> cache)
{
    /// <summary>
    /// Whether the group's managed Secret still holds data of <paramref name="hash"/>, unedited and owned by the group:
    /// the informer's copy first; the API when the cache may lag our own write (cheaper than a store read).
    /// </summary>
    public async Task<bool> IsIntactAsync(SecretGroup group, string secretName, string hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var cached = cache.Get(new ObjectKey(group.Metadata.NamespaceProperty, secretName));
        if (cached is not null && CachedSecrets.VerifiedHashOf(cached) == hash && IsOwnedBy(cached, group))
        {
            return true;
        }

        var live = await ReadAsync(group.Metadata.NamespaceProperty, secretName, cancellationToken).ConfigureAwait(false);
        return live is not null && VerifiedHashOf(live) == hash && IsOwnedBy(live, group);
    }

    /// <summary>
    /// The name of the Secret at the group's target that the group owns (an owner reference to its uid, as the cache
    /// shows it), else null: what its collaborators may be granted when a sync did not get as far as writing.
    /// </summary>
    public string? OwnedTargetOf(SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var target = group.Spec.Target?.Name ?? group.Metadata.Name;
        var cached = cache.Get(new ObjectKey(group.Metadata.NamespaceProperty, target));
        return cached is not null && IsOwnedBy(cached, group) ? target : null;
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
        return actual is not null && secret.Metadata.Annotations?.TryGetValue(ManagedLabels.DataHash, out var annotated) == true && annotated == actual ? actual : null;
    }

    /// <summary>
    /// Writes <paramref name="data"/>, then deletes Secrets the group managed under an old name; returns whether the
    /// Secret was created or changed, and the data's keyed hash. The informer's slim copy saves the API read: absent
    /// means create at once (a 409 falls back to reading), and an intact copy with the same hash means nothing to write.
    /// </summary>
    public async Task<(bool Written, string Hash)> WriteAsync(SecretGroup group, string secretName, IReadOnlyDictionary<string, byte[]> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var result = await ApplyAsync(group, secretName, data, cancellationToken).ConfigureAwait(false);
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
            var secret = existing ?? new V1Secret { Metadata = new V1ObjectMeta { Name = secretName, NamespaceProperty = key.Namespace }, Type = "Opaque" };
            var salt = (existing is null ? null : SaltOf(existing)) ?? SecretData.NewSalt();
            Stamp(secret, group, data, SecretData.Hash(data, salt), salt);
            return secret;
        }

        try
        {
            var (write, secret) = await OwnedObjects.CreateOrUpdateAsync(
                secrets, group, key, cached, UpToDate, Build, "SecretConflict", "; delete it or set spec.target.name to another name", cancellationToken).ConfigureAwait(false);
            return (write != OwnedWrite.Unchanged, secret.Metadata.Annotations[ManagedLabels.DataHash]);
        }
        catch (HttpOperationException e)
        {
            // The response body can echo the Secret: keep only the status code.
            throw new ConditionException(
                e.Response.StatusCode == HttpStatusCode.UnprocessableEntity ? "SecretTooLarge" : "SecretWriteFailed",
                $"writing Secret '{key}' failed with HTTP {(int)e.Response.StatusCode}{(e.Response.StatusCode == HttpStatusCode.UnprocessableEntity ? " (invalid or over 1 MiB)" : "")}",
                retry: true);
        }
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

    public static bool IsOwnedBy(V1Secret secret, SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return GroupOwnership.IsOwnedBy(secret.Metadata, group);
    }

    private static bool HasDesiredMetadata(V1Secret secret, SecretGroup group)
    {
        var labels = secret.Metadata.Labels;
        if (labels is null || !labels.TryGetValue(ManagedLabels.Group, out var g) || g != group.Metadata.Name)
        {
            return false;
        }

        return group.Spec.Target?.Labels?.All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value) ?? true;
    }

    private static void Stamp(V1Secret secret, SecretGroup group, IReadOnlyDictionary<string, byte[]> data, string hash, string salt)
    {
        var meta = secret.Metadata;
        meta.Labels ??= new Dictionary<string, string>();
        foreach (var (k, v) in group.Spec.Target?.Labels ?? new Dictionary<string, string>())
        {
            meta.Labels[k] = v;
        }

        meta.Labels[ManagedLabels.ManagedBy] = ManagedLabels.ManagedByValue;
        meta.Labels[ManagedLabels.Group] = group.Metadata.Name;
        meta.Annotations ??= new Dictionary<string, string>();
        foreach (var (k, v) in group.Spec.Target?.Annotations ?? new Dictionary<string, string>())
        {
            meta.Annotations[k] = v;
        }

        meta.Annotations[ManagedLabels.DataHash] = hash;
        meta.Annotations[ManagedLabels.HashSalt] = salt;
        meta.OwnerReferences = [GroupOwnership.ReferenceTo(group)];
        secret.Data = data.ToDictionary(p => p.Key, p => p.Value);
        secret.StringData = null;
    }
}
