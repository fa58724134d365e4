using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Operator.Stores.Hashicorp;

/// <summary>spec.dataFrom[].find on KV v2: the fields of one entry, or of every entry under a folder.</summary>
internal sealed partial class VaultStore
{
    /// <summary>Vault's LIST verb (the HTTP API also takes GET with <c>?list=true</c>).</summary>
    private static readonly HttpMethod List = new("LIST");

    /// <summary>
    /// <c>&lt;entry&gt;#&lt;field prefix&gt;</c> reads that entry once and lists its fields; any other prefix lists
    /// <c>LIST &lt;mount&gt;/metadata/&lt;folder&gt;</c> (sub-folders end in '/', followed depth first), and reads each entry
    /// found (its fields are the values). A name is the path after the prefix, e.g. <c>app#PASSWORD</c>. KV v2 keeps no
    /// tags on fields, so find.tags is not offered here.
    /// </summary>
    public async Task<IReadOnlyList<ListedPath>> ListAsync(ListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var hash = query.Prefix.IndexOf(VaultPath.FieldSeparator, StringComparison.Ordinal);
        var entries = hash >= 0 ? [query.Prefix[..hash]] : await ListEntriesAsync(query.Prefix, cancellationToken).ConfigureAwait(false);
        var found = new List<ListedPath>();
        foreach (var entryPath in entries)
        {
            if (VaultPath.SegmentProblem(entryPath, "entry") is not null)
            {
                continue;
            }

            var entry = await ReadEntryAsync(entryPath, cancellationToken).ConfigureAwait(false);
            foreach (var (field, value) in (entry.Data ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var path = $"{entryPath}{VaultPath.FieldSeparator}{field}";
                if (value is null || !path.StartsWith(query.Prefix, StringComparison.Ordinal) || path.Length == query.Prefix.Length || !query.Name(path[query.Prefix.Length..]))
                {
                    continue;
                }

                found.Add(new ListedPath(path, path[query.Prefix.Length..], new StoreValue(BytesOf(value), entry.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                if (found.Count == query.Limit)
                {
                    return found;
                }
            }
        }

        return found;
    }

    /// <summary>Entries whose path starts with <paramref name="prefix"/>, depth first, at most <see cref="ListQuery.MaxScanned"/> keys looked at.</summary>
    private async Task<List<string>> ListEntriesAsync(string prefix, CancellationToken cancellationToken)
    {
        var slash = prefix.LastIndexOf('/');
        var folders = new Stack<string>([slash < 0 ? "" : prefix[..(slash + 1)]]);
        var entries = new List<string>();
        var scanned = 0;
        while (folders.TryPop(out var folder))
        {
            var response = await client.SendAsync(List, $"{VaultPath.Escape(kvMount)}/metadata/{VaultPath.Escape(folder.TrimEnd('/'))}", null, $"kv.list of '{kvMount}/{folder}'", cancellationToken).ConfigureAwait(false);
            if (response.Status == HttpStatusCode.NotFound)
            {
                continue; // an empty folder: Vault answers 404
            }

            if (!response.IsSuccess || response.Body?["data"]?["keys"] is not JsonArray keys)
            {
                throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault kv.list of '{kvMount}/{folder}' failed with HTTP {(int)response.Status}");
            }

            foreach (var key in keys.Where(k => k?.GetValueKind() == JsonValueKind.String).Select(k => folder + k!.GetValue<string>()).OrderDescending(StringComparer.Ordinal))
            {
                if (++scanned > ListQuery.MaxScanned)
                {
                    throw new SecretStoreException(StoreErrorKind.InvalidPath, $"more than {ListQuery.MaxScanned} entries under '{kvMount}/{prefix}'; narrow the find path");
                }

                if (key.EndsWith('/') && (key.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(key, StringComparison.Ordinal)))
                {
                    folders.Push(key);
                }
                else if (!key.EndsWith('/') && key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    entries.Add(key);
                }
            }
        }

        return entries.Order(StringComparer.Ordinal).ToList();
    }
}
