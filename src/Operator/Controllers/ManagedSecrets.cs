using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;

namespace Operator.Controllers;

/// <summary>Labels and annotations that mark a Secret as managed by a group.</summary>
public static class ManagedLabels
{
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "secretgroup-operator";
    public const string Group = "secrets.tfy.dev/group";
    public const string DataHash = "secrets.tfy.dev/data-hash";
    public const string HashSalt = "secrets.tfy.dev/hash-salt";

    /// <summary>On a SecretGroup: when the REST API last changed its values; a sync older than this is due at once.</summary>
    public const string ApiUpdatedAt = "secrets.tfy.dev/api-updated-at";

    /// <summary>The informer's label selector: the operator caches only the Secrets it manages.</summary>
    public const string Selector = ManagedBy + "=" + ManagedByValue;
}

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
        var annotations = meta.Annotations is null ? new Dictionary<string, string>() : new Dictionary<string, string>(meta.Annotations);
        annotations.Remove(VerifiedHash);
        if (ManagedSecretWriter.VerifiedHashOf(secret) is { } verified)
        {
            annotations[VerifiedHash] = verified;
        }

        return new V1Secret
        {
            ApiVersion = secret.ApiVersion,
            Kind = secret.Kind,
            Type = secret.Type,
            Metadata = new V1ObjectMeta
            {
                Name = meta.Name,
                NamespaceProperty = meta.NamespaceProperty,
                Uid = meta.Uid,
                ResourceVersion = meta.ResourceVersion,
                Generation = meta.Generation,
                CreationTimestamp = meta.CreationTimestamp,
                DeletionTimestamp = meta.DeletionTimestamp,
                Labels = meta.Labels,
                Annotations = annotations,
                OwnerReferences = meta.OwnerReferences,
            },
        };
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

/// <summary>A managed Secret cannot be written; <see cref="Reason"/> is the condition reason.</summary>
public sealed class ManagedSecretException : Exception
{
    public ManagedSecretException(string reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public ManagedSecretException()
        : this("SecretWriteFailed", "writing the managed Secret failed")
    {
    }

    public ManagedSecretException(string message)
        : this("SecretWriteFailed", message)
    {
    }

    public ManagedSecretException(string message, Exception inner)
        : base(message, inner)
    {
        Reason = "SecretWriteFailed";
    }

    public string Reason { get; }
}

/// <summary>Creates or updates a group's managed Secret, only when its content hash changed.</summary>
public sealed class ManagedSecretWriter(IKubernetes client)
{
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
    /// Writes <paramref name="data"/>; returns whether the Secret was created or changed, and the data's keyed hash.
    /// <paramref name="cached"/> (the informer's slim copy) saves the API read: absent means create at once (a 409
    /// falls back to reading), and an intact copy with the same hash means nothing to write.
    /// </summary>
    public async Task<(bool Written, string Hash)> ApplyAsync(SecretGroup group, string secretName, IReadOnlyDictionary<string, byte[]> data, V1Secret? cached, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var ns = group.Metadata.NamespaceProperty;
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
            throw new ManagedSecretException(
                e.Response.StatusCode == HttpStatusCode.UnprocessableEntity ? "SecretTooLarge" : "SecretWriteFailed",
                $"writing Secret '{ns}/{secretName}' failed with HTTP {(int)e.Response.StatusCode}{(e.Response.StatusCode == HttpStatusCode.UnprocessableEntity ? " (invalid or over 1 MiB)" : "")}");
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
            throw new ManagedSecretException("SecretConflict", $"Secret '{ns}/{secretName}' exists and is not managed by this group; delete it or set spec.target.name to another name");
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
    public async Task DeleteStaleAsync(SecretGroup group, IEnumerable<V1Secret> candidates, string currentName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var ns = group.Metadata.NamespaceProperty;
        foreach (var stale in candidates.Where(s => s.Metadata.NamespaceProperty == ns && s.Metadata.Name != currentName && IsOwnedBy(s, group)))
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
