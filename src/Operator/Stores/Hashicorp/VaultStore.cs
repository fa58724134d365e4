using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Operator.References;

namespace Operator.Stores.Hashicorp;

/// <summary>
/// HashiCorp Vault KV v2. A path is <c>&lt;entry path&gt;#&lt;field&gt;</c>: the field of an entry under the KV mount
/// (<c>spec.hashicorp.kvMountPath</c>). A group's keys are the fields of one entry,
/// <c>&lt;rootPath&gt;/&lt;tenant&gt;/&lt;group&gt;</c>, so a group sync is one KV read, and a value's version is the
/// entry's version. Writes and deletes are read-modify-write with check-and-set, retried on a conflict; deleting the
/// last field writes an empty version (the entry and its history stay, and a racing writer is never overwritten).
/// </summary>
internal sealed partial class VaultStore(VaultClient client, string kvMount, string rootPath) : ISecretStore
{
    /// <summary>
    /// Vault's integrated storage refuses an entry over <c>max_entry_size</c>, 1048576 bytes by default ("put failed due
    /// to value being too large"); the operator holds an entry's data JSON to that.
    /// </summary>
    public const int MaxEntryBytes = 1024 * 1024;

    private const int EntriesReadInParallel = 4;
    private const int CasAttempts = 5;

    public StoreCapabilities Capabilities { get; } = new(MaxBatchSize: 1000, CanWrite: true, MaxValueBytes: MaxEntryBytes, MaxConcurrency: EntriesReadInParallel, CanList: true);

    public string DefaultPath(GroupFqn group, string key)
    {
        ArgumentNullException.ThrowIfNull(group);
        var entry = rootPath.Length == 0 ? $"{group.Tenant}/{group.Group}" : $"{rootPath}/{group.Tenant}/{group.Group}";
        return $"{entry}{VaultPath.FieldSeparator}{key}";
    }

    public async Task<IReadOnlyDictionary<string, StoreValue>> ReadManyAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var parsed = paths.Distinct(StringComparer.Ordinal).Select(p => (Path: p, Parsed: VaultPath.Parse(p))).ToList();
        using var throttle = new SemaphoreSlim(EntriesReadInParallel);
        var reads = parsed.GroupBy(p => p.Parsed.Entry, StringComparer.Ordinal).Select(async g =>
        {
            await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return (Group: g, Entry: await ReadEntryAsync(g.Key, cancellationToken).ConfigureAwait(false));
            }
            finally
            {
                throttle.Release();
            }
        }).ToList();

        var result = new Dictionary<string, StoreValue>(StringComparer.Ordinal);
        foreach (var (group, entry) in await Task.WhenAll(reads).ConfigureAwait(false))
        {
            foreach (var (path, parsedPath) in group)
            {
                if (entry.Data?[parsedPath.Field] is { } value)
                {
                    result[path] = new StoreValue(BytesOf(value), entry.Version.ToString(CultureInfo.InvariantCulture));
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

    /// <summary>A field of one version of its entry (KV v2 keeps <c>max_versions</c>, 10 by default; older ones answer 404).</summary>
    public async Task<StoreValue?> ReadVersionAsync(string path, string version, CancellationToken cancellationToken)
    {
        var target = VaultPath.Parse(path);
        if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            return null;
        }

        var entry = await ReadEntryAsync(target.Entry, cancellationToken, number).ConfigureAwait(false);
        return entry.Version == number && entry.Data?[target.Field] is { } value ? new StoreValue(BytesOf(value), version) : null;
    }

    public async Task<string?> WriteAsync(string path, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var target = VaultPath.Parse(path);
        var text = StoreText.Encode(value.Span);
        var version = await UpdateAsync(target, data =>
        {
            data[target.Field] = JsonValue.Create(text);
            StoreText.CheckSize(path, Encoding.UTF8.GetByteCount(data.ToJsonString()), MaxEntryBytes, "bytes of entry JSON", "a Vault entry");
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return version?.ToString(CultureInfo.InvariantCulture);
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var target = VaultPath.Parse(path);
        await UpdateAsync(target, data => data.Remove(target.Field), cancellationToken).ConfigureAwait(false);
    }

    public async Task ValidateAsync(CancellationToken cancellationToken)
    {
        var response = await client.SendAsync(HttpMethod.Get, "auth/token/lookup-self", null, "token lookup", cancellationToken, StoreErrorKind.AuthenticationFailed).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"Vault token lookup failed with HTTP {(int)response.Status}; check spec.hashicorp.auth");
        }
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Reads the entry, applies <paramref name="change"/> to its fields and writes it with check-and-set; null when
    /// nothing changed. The other fields go back as Vault gave them: numbers, booleans and objects keep their JSON type.
    /// </summary>
    private async Task<long?> UpdateAsync(VaultPath target, Func<JsonObject, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= CasAttempts; attempt++)
        {
            var entry = await ReadEntryAsync(target.Entry, cancellationToken).ConfigureAwait(false);
            var data = entry.Data ?? [];
            if (!change(data))
            {
                return null;
            }

            var body = new JsonObject
            {
                ["options"] = new JsonObject { ["cas"] = entry.Version },
                ["data"] = data,
            };
            var response = await client.SendAsync(HttpMethod.Post, DataPath(target.Entry), body, $"kv.write of '{kvMount}/{target.Entry}'", cancellationToken).ConfigureAwait(false);
            if (response.IsSuccess)
            {
                return response.Body?["data"]?["version"]?.GetValue<long>()
                    ?? throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault answered the write of '{kvMount}/{target.Entry}' without a version");
            }

            if (!IsCasMismatch(response))
            {
                throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault refused the write of '{kvMount}/{target.Entry}' with HTTP {(int)response.Status}");
            }
        }

        throw new SecretStoreException(StoreErrorKind.Unavailable, $"'{kvMount}/{target.Entry}' changed during {CasAttempts} writes in a row (check-and-set); will retry");
    }

    /// <summary>The entry's latest version, or version <paramref name="version"/> when given.</summary>
    private async Task<Entry> ReadEntryAsync(string entry, CancellationToken cancellationToken, long? version = null)
    {
        var path = DataPath(entry) + (version is { } n ? $"?version={n.ToString(CultureInfo.InvariantCulture)}" : "");
        var response = await client.SendAsync(HttpMethod.Get, path, null, $"kv.read of '{kvMount}/{entry}'", cancellationToken).ConfigureAwait(false);
        var metadataVersion = response.Body?["data"]?["metadata"]?["version"];
        var found = metadataVersion is JsonValue v && v.TryGetValue<long>(out var number) ? number : 0;
        if (response.Status == HttpStatusCode.NotFound)
        {
            // A deleted latest version answers 404 with its metadata: writes must check-and-set against it.
            return new Entry(found, null);
        }

        if (!response.IsSuccess)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault kv.read of '{kvMount}/{entry}' failed with HTTP {(int)response.Status}; is '{kvMount}' a KV v2 mount?");
        }

        if (response.Body?["data"]?["data"] is not JsonObject fields)
        {
            return new Entry(found, null);
        }

        return new Entry(found, fields.DeepClone().AsObject());
    }

    /// <summary>A string field is text (or a binary data URL); a number, boolean or object is its JSON text.</summary>
    private static byte[] BytesOf(JsonNode node) => node.GetValueKind() == JsonValueKind.String
        ? StoreText.Decode(node.GetValue<string>())
        : Encoding.UTF8.GetBytes(node.ToJsonString());

    private static bool IsCasMismatch(VaultResponse response) =>
        response.Status == HttpStatusCode.BadRequest
        && response.Body?["errors"] is JsonArray errors
        && errors.Any(e => e?.GetValueKind() == JsonValueKind.String && e.GetValue<string>().Contains("check-and-set", StringComparison.Ordinal));

    private string DataPath(string entry) => $"{VaultPath.Escape(kvMount)}/data/{VaultPath.Escape(entry)}";

    private sealed record Entry(long Version, JsonObject? Data)
    {
        public override string ToString() => $"Entry(version: {Version})";
    }
}
