using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>Creates or updates a group's managed Secret, only when its content hash changed.</summary>
public sealed class ManagedSecretWriter(IKubernetes client, IResourceCache<V1Secret> cache)
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

    /// <summary>Reads the managed Secret from the API (not the cache) when the cache cannot be trusted.</summary>
    public async Task<V1Secret?> ReadAsync(string ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

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
        var ns = group.Metadata.NamespaceProperty;
        var cached = cache.Get(new ObjectKey(ns, secretName));
        if (cached is not null && IsOwnedBy(cached, group) && HasDesiredMetadata(cached, group)
            && SaltOf(cached) is { } cachedSalt && CachedSecrets.VerifiedHashOf(cached) is { } cachedHash
            && SecretData.Hash(data, cachedSalt) == cachedHash)
        {
            return (false, cachedHash);
        }

        try
        {
            if (cached is null)
            {
                try
                {
                    return (true, await CreateAsync(group, secretName, data, SecretData.NewSalt(), cancellationToken).ConfigureAwait(false));
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
                {
                    // The cache lags (or someone else's Secret has this name): decide on the live object below.
                }
            }

            return await ReplaceAsync(group, secretName, data, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            // The response body can echo the Secret: keep only the status code.
            throw new ConditionException(
                e.Response.StatusCode == HttpStatusCode.UnprocessableEntity ? "SecretTooLarge" : "SecretWriteFailed",
                $"writing Secret '{ns}/{secretName}' failed with HTTP {(int)e.Response.StatusCode}{(e.Response.StatusCode == HttpStatusCode.UnprocessableEntity ? " (invalid or over 1 MiB)" : "")}",
                retry: true);
        }
    }

    private async Task<(bool Written, string Hash)> ReplaceAsync(SecretGroup group, string secretName, IReadOnlyDictionary<string, byte[]> data, CancellationToken cancellationToken)
    {
        var ns = group.Metadata.NamespaceProperty;
        var existing = await ReadAsync(ns, secretName, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return (true, await CreateAsync(group, secretName, data, SecretData.NewSalt(), cancellationToken).ConfigureAwait(false));
        }

        var salt = SaltOf(existing) ?? SecretData.NewSalt();
        var hash = SecretData.Hash(data, salt);

        if (!IsOwnedBy(existing, group))
        {
            throw new ConditionException("SecretConflict", $"Secret '{ns}/{secretName}' exists and is not managed by this group; delete it or set spec.target.name to another name", retry: true);
        }

        if (VerifiedHashOf(existing) == hash && HasDesiredMetadata(existing, group))
        {
            return (false, hash);
        }

        Stamp(existing, group, data, hash, salt);
        await client.CoreV1.ReplaceNamespacedSecretAsync(existing, secretName, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        return (true, hash);
    }

    /// <summary>Creates the managed Secret; returns the data's keyed hash under <paramref name="salt"/>.</summary>
    private async Task<string> CreateAsync(SecretGroup group, string secretName, IReadOnlyDictionary<string, byte[]> data, string salt, CancellationToken cancellationToken)
    {
        var ns = group.Metadata.NamespaceProperty;
        var hash = SecretData.Hash(data, salt);
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = secretName, NamespaceProperty = ns }, Type = "Opaque" };
        Stamp(secret, group, data, hash, salt);
        await client.CoreV1.CreateNamespacedSecretAsync(secret, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        return hash;
    }

    private static string? SaltOf(V1Secret secret) =>
        secret.Metadata?.Annotations?.TryGetValue(ManagedLabels.HashSalt, out var salt) == true && !string.IsNullOrEmpty(salt) ? salt : null;

    /// <summary>Deletes Secrets this group managed under an old target name.</summary>
    private async Task DeleteStaleAsync(SecretGroup group, string currentName, CancellationToken cancellationToken)
    {
        var ns = group.Metadata.NamespaceProperty;
        foreach (var stale in cache.ByIndex(OwnerIndex.Name, group.Metadata.Uid ?? "").Where(s => s.Metadata.NamespaceProperty == ns && s.Metadata.Name != currentName && IsOwnedBy(s, group)))
        {
            try
            {
                await client.CoreV1.DeleteNamespacedSecretAsync(stale.Metadata.Name, stale.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // Already gone.
            }
        }
    }

    public static bool IsOwnedBy(V1Secret secret, SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(group);
        return secret.Metadata.OwnerReferences?.Any(o => o.Uid == group.Metadata.Uid && o.Kind == SecretGroup.KindName) == true;
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
        meta.OwnerReferences =
        [
            new V1OwnerReference
            {
                ApiVersion = Api.GroupVersion,
                Kind = SecretGroup.KindName,
                Name = group.Metadata.Name,
                Uid = group.Metadata.Uid,
                Controller = true,
                BlockOwnerDeletion = true,
            },
        ];
        secret.Data = data.ToDictionary(p => p.Key, p => p.Value);
        secret.StringData = null;
    }
}
