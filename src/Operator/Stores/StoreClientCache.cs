using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Operator.Stores;

/// <summary>One store client per integration generation and credential set; the old client is disposed on change.</summary>
public sealed class StoreClientCache : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);

    private sealed record Entry(string Stamp, ISecretStore Store);

    /// <summary>Returns the cached client for <paramref name="integrationName"/>, creating it when the stamp changed.</summary>
    public async Task<ISecretStore> GetOrCreateAsync(string integrationName, string version, IReadOnlyDictionary<string, string> credentials, Func<ISecretStore> create)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(create);
        var stamp = Stamp(version, credentials);
        if (entries.TryGetValue(integrationName, out var hit) && hit.Stamp == stamp)
        {
            return hit.Store;
        }

        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (entries.TryGetValue(integrationName, out hit) && hit.Stamp == stamp)
            {
                return hit.Store;
            }

            var store = create();
            entries[integrationName] = new Entry(stamp, store);
            if (hit is not null)
            {
                await hit.Store.DisposeAsync().ConfigureAwait(false);
            }

            return store;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The client last created for the integration, if any (for groups, which never create one).</summary>
    public ISecretStore? TryGet(string integrationName) => entries.TryGetValue(integrationName, out var e) ? e.Store : null;

    public async Task RemoveAsync(string integrationName)
    {
        if (entries.TryRemove(integrationName, out var e))
        {
            await e.Store.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in entries.Keys.ToList())
        {
            await RemoveAsync(key).ConfigureAwait(false);
        }

        gate.Dispose();
    }

    // Credentials are hashed, never kept as text in the key.
    private static string Stamp(string version, IReadOnlyDictionary<string, string> credentials)
    {
        var sb = new StringBuilder().Append(version);
        foreach (var (k, v) in credentials.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append('\0').Append(k).Append('\0').Append(v);
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
