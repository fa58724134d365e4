using System.Collections.Concurrent;
using Operator.References;

namespace Operator.Stores.Gcp;

/// <summary>
/// GCP Secret Manager: a path is a secret id (or <c>projects/&lt;p&gt;/secrets/&lt;id&gt;</c>) and its value the latest
/// version. A group key's default id is given by <see cref="GcpSecretIds.DefaultId"/>; <c>spec.pathPrefix</c> does not
/// apply, since secret ids cannot hold '/'.
/// </summary>
public sealed partial class GcpSecretManagerStore(GcpSecretManagerClient client, string project) : ISecretStore
{
    /// <summary>SecretPayload.data "must be no larger than 64KiB" (Secret Manager v1 REST reference).</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    private const int ReadsInParallel = 4;

    // Secret Manager has no batch read: one access call per key, a few at a time.
    public StoreCapabilities Capabilities { get; } = new(MaxBatchSize: 100, CanWrite: true, MaxValueBytes: MaxPayloadBytes, MaxConcurrency: ReadsInParallel, CanList: true, ListsByTags: true);

    public string DefaultPath(GroupFqn group, string key) => GcpSecretIds.DefaultId(group, key);

    public async Task<IReadOnlyDictionary<string, StoreValue>> ReadManyAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);

        // Every path is checked before the first call, so a bad one costs no quota.
        var resolved = paths.Distinct(StringComparer.Ordinal).Select(p => (Path: p, Target: GcpSecretIds.Resolve(p, project))).ToList();
        var result = new ConcurrentDictionary<string, StoreValue>(StringComparer.Ordinal);
        using var throttle = new SemaphoreSlim(ReadsInParallel);
        var reads = resolved.Select(async r =>
        {
            await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (await client.AccessLatestAsync(r.Target.Project, r.Target.Id, cancellationToken).ConfigureAwait(false) is { } found)
                {
                    result[r.Path] = new StoreValue(found.Data, found.Version);
                }
            }
            finally
            {
                throttle.Release();
            }
        }).ToList();

        await Task.WhenAll(reads).ConfigureAwait(false);
        return new Dictionary<string, StoreValue>(result, StringComparer.Ordinal);
    }

    public async Task<StoreValue?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var values = await ReadManyAsync([path], cancellationToken).ConfigureAwait(false);
        return values.TryGetValue(path, out var v) ? v : null;
    }

    public async Task<StoreValue?> ReadVersionAsync(string path, string version, CancellationToken cancellationToken)
    {
        var (p, id) = GcpSecretIds.Resolve(path, project);
        if (!long.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            return null;
        }

        return await client.AccessAsync(p, id, version, cancellationToken).ConfigureAwait(false) is { } found ? new StoreValue(found.Data, found.Version) : null;
    }

    public async Task<string?> WriteAsync(string path, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var (p, id) = GcpSecretIds.Resolve(path, project);
        StoreText.CheckSize(path, value.Length, MaxPayloadBytes, "bytes", "a GCP secret version");
        var data = value.ToArray();
        if (await client.AddVersionAsync(p, id, data, cancellationToken).ConfigureAwait(false) is { } version)
        {
            return version;
        }

        await client.CreateSecretAsync(p, id, cancellationToken).ConfigureAwait(false);
        return await client.AddVersionAsync(p, id, data, cancellationToken).ConfigureAwait(false)
            ?? throw new SecretStoreException(StoreErrorKind.Unavailable, $"secret '{id}' vanished while a version was added; will retry");
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var (p, id) = GcpSecretIds.Resolve(path, project);
        return client.DeleteSecretAsync(p, id, cancellationToken);
    }

    public async Task ValidateAsync(CancellationToken cancellationToken)
    {
        if (!await client.ListAsync(project, cancellationToken).ConfigureAwait(false))
        {
            throw new SecretStoreException(StoreErrorKind.Misconfigured, $"GCP project '{project}' was not found; fix spec.gcp.projectId");
        }
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
