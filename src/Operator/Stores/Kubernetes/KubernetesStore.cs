using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.References;
using Operator.Runtime;

namespace Operator.Stores.Kubernetes;

/// <summary>The built-in store: a path is <c>&lt;secret-name&gt;/&lt;key&gt;</c> of a Secret in the source namespace.</summary>
[Rbac("", "secrets", "get,create,update", "The built-in kubernetes store reads values from Secrets in its source namespace and writes values set through the REST API.")]
[Rbac("", "namespaces", "get", "The built-in kubernetes store checks that its source namespace exists.", Scope = RbacScope.Cluster)]
public sealed class KubernetesStore(IKubernetes client, string sourceNamespace, StoreRetry retry) : ISecretStore
{
    private const int SecretsReadInParallel = 4;

    /// <summary>
    /// The API server refuses a Secret whose data values add up to more than 1 MiB (kube-apiserver
    /// <c>ValidateSecret</c>: <c>totalSize += len(value)</c> against <c>MaxSecretSize = 1 * 1024 * 1024</c>).
    /// </summary>
    public const int MaxSecretBytes = 1024 * 1024;

    public StoreCapabilities Capabilities { get; } = new(MaxBatchSize: 500, CanWrite: true, MaxValueBytes: MaxSecretBytes, MaxConcurrency: SecretsReadInParallel, KeepsVersions: false, CanList: true);

    /// <summary>A group's keys live in the Secret <c>&lt;tenant&gt;.&lt;group&gt;</c>: injective, since names hold no dots.</summary>
    public string DefaultPath(GroupFqn group, string key)
    {
        ArgumentNullException.ThrowIfNull(group);
        return $"{group.Tenant}.{group.Group}/{key}";
    }

    public async Task<IReadOnlyDictionary<string, StoreValue>> ReadManyAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var parsed = paths.Distinct(StringComparer.Ordinal).Select(p => (Path: p, Parts: Split(p))).ToList();
        var result = new Dictionary<string, StoreValue>(StringComparer.Ordinal);
        using var throttle = new SemaphoreSlim(SecretsReadInParallel);
        var reads = parsed.GroupBy(p => p.Parts.SecretName, StringComparer.Ordinal).Select(async g =>
        {
            await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var secret = await GetSecretAsync(g.Key, cancellationToken).ConfigureAwait(false);
                return (Group: g, Secret: secret);
            }
            finally
            {
                throttle.Release();
            }
        }).ToList();

        foreach (var (group, secret) in await Task.WhenAll(reads).ConfigureAwait(false))
        {
            foreach (var (path, parts) in group)
            {
                if (secret?.Data is { } data && data.TryGetValue(parts.Key, out var bytes))
                {
                    result[path] = new StoreValue(bytes, secret.Metadata.ResourceVersion);
                }
            }
        }

        return result;
    }

    public async Task<StoreValue?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var values = await ReadManyAsync([path], cancellationToken).ConfigureAwait(false);
        return values.TryGetValue(path, out var v) ? v : null;
    }

    /// <summary>A Secret keeps no history: only the current version (its resourceVersion) can be read.</summary>
    public async Task<StoreValue?> ReadVersionAsync(string path, string version, CancellationToken cancellationToken)
    {
        var current = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
        return current?.Version == version ? current : null;
    }

    public async Task<string?> WriteAsync(string path, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var (name, key) = Split(path);
        var existing = await GetSecretAsync(name, cancellationToken).ConfigureAwait(false);

        // A group's keys share one source Secret, so the limit is on all of its values together.
        var others = existing?.Data?.Where(p => p.Key != key).Sum(p => (long)p.Value.Length) ?? 0;
        StoreText.CheckSize(path, others + value.Length, MaxSecretBytes, "bytes (with the other keys of its Secret)", "a Kubernetes Secret");
        try
        {
            if (existing is null)
            {
                var created = await client.CoreV1.CreateNamespacedSecretAsync(
                    new V1Secret
                    {
                        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = sourceNamespace },
                        Data = new Dictionary<string, byte[]> { [key] = value.ToArray() },
                    },
                    sourceNamespace,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                return created.Metadata.ResourceVersion;
            }

            existing.Data ??= new Dictionary<string, byte[]>();
            existing.Data[key] = value.ToArray();
            var replaced = await client.CoreV1.ReplaceNamespacedSecretAsync(existing, name, sourceNamespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return replaced.Metadata.ResourceVersion;
        }
        catch (HttpOperationException e)
        {
            throw Translate(e, name);
        }
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var (name, key) = Split(path);
        var existing = await GetSecretAsync(name, cancellationToken).ConfigureAwait(false);
        if (existing?.Data is null || !existing.Data.Remove(key))
        {
            return;
        }

        try
        {
            await client.CoreV1.ReplaceNamespacedSecretAsync(existing, name, sourceNamespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw Translate(e, name);
        }
    }

    public Task ValidateAsync(CancellationToken cancellationToken) =>
        retry.ExecuteAsync(ValidateOnceAsync, cancellationToken);

    private async Task<bool> ValidateOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.ReadNamespaceAsync(sourceNamespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new SecretStoreException(StoreErrorKind.Misconfigured, $"source namespace '{sourceNamespace}' does not exist; create it or fix spec.kubernetes.sourceNamespace");
        }
        catch (HttpOperationException e)
        {
            throw Translate(e, null);
        }
    }

    /// <summary>
    /// find: the keys of one Secret, with their values, in one read: <c>&lt;secret-name&gt;/</c> lists them all,
    /// <c>&lt;secret-name&gt;/&lt;key prefix&gt;</c> those starting with the prefix. A Secret keeps no tags.
    /// </summary>
    public async Task<IReadOnlyList<ListedPath>> ListAsync(ListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var slash = query.Prefix.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"find path {Echo.Quote(query.Prefix)} is not <secret-name>/ or <secret-name>/<key prefix> for the kubernetes store");
        }

        var name = Split(query.Prefix[..(slash + 1)] + "x").SecretName;
        var keyPrefix = query.Prefix[(slash + 1)..];
        var secret = await GetSecretAsync(name, cancellationToken).ConfigureAwait(false);
        return (secret?.Data ?? new Dictionary<string, byte[]>())
            .Where(p => p.Key.Length > keyPrefix.Length && p.Key.StartsWith(keyPrefix, StringComparison.Ordinal) && query.Name(p.Key[keyPrefix.Length..]))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Take(query.Limit)
            .Select(p => new ListedPath($"{name}/{p.Key}", p.Key[keyPrefix.Length..], new StoreValue(p.Value, secret!.Metadata.ResourceVersion)))
            .ToList();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<V1Secret?> GetSecretAsync(string name, CancellationToken cancellationToken) =>
        retry.ExecuteAsync(ct => GetSecretOnceAsync(name, ct), cancellationToken);

    private async Task<V1Secret?> GetSecretOnceAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(name, sourceNamespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException e)
        {
            throw Translate(e, name);
        }
        catch (HttpRequestException e)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"cannot reach the Kubernetes API to read namespace '{sourceNamespace}': {e.HttpRequestError}", e);
        }
    }

    // Only the status code is kept: the response body may echo the object, values included.
    private SecretStoreException Translate(HttpOperationException e, string? secretName)
    {
        var what = secretName is null ? $"namespace '{sourceNamespace}'" : $"Secret '{sourceNamespace}/{secretName}'";
        return e.Response.StatusCode switch
        {
            HttpStatusCode.Forbidden => new SecretStoreException(StoreErrorKind.AccessDenied, $"the operator may not access {what} (403); grant it get on secrets there"),
            HttpStatusCode.Unauthorized => new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"the Kubernetes API refused the operator's credentials reading {what} (401)"),
            // API priority and fairness answers 429 with Retry-After (seconds): wait at least that long.
            HttpStatusCode.TooManyRequests => new SecretStoreException(StoreErrorKind.Throttled, $"the Kubernetes API throttled a read of {what} (429)")
            {
                RetryAfter = e.Response.Headers.TryGetValue("Retry-After", out var after) ? RetryHints.FromDeltaSeconds(after.FirstOrDefault()) : null,
            },
            HttpStatusCode.Conflict => new SecretStoreException(StoreErrorKind.Unavailable, $"{what} changed during the write (409); will retry"),
            _ => new SecretStoreException(StoreErrorKind.Unavailable, $"reading {what} failed with HTTP {(int)e.Response.StatusCode}"),
        };
    }

    /// <summary>Splits <c>&lt;secret-name&gt;/&lt;key&gt;</c>; anything else is an <see cref="StoreErrorKind.InvalidPath"/>.</summary>
    internal static (string SecretName, string Key) Split(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == path.Length - 1)
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"path {Echo.Quote(path)} is not <secret-name>/<key> for the kubernetes store");
        }

        var name = path[..slash];
        var key = path[(slash + 1)..];
        if (name.Length > 253 || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.') || !char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"path {Echo.Quote(path)}: {Echo.Quote(name)} is not a valid Secret name");
        }

        if (!ReferenceParser.IsValidSecretKey(key))
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"path {Echo.Quote(path)}: {Echo.Quote(key)} is not a valid Secret key");
        }

        return (name, key);
    }
}
