using System.Text.Json.Nodes;

namespace Operator.Stores.Gcp;

/// <summary>spec.dataFrom[].find on Secret Manager: secrets.list filtered by name and labels, values read by access.</summary>
public sealed partial class GcpSecretManagerStore
{
    /// <summary>Secrets asked for per secrets.list page.</summary>
    public const int ListPageSize = 100;

    /// <summary>
    /// secrets.list with the filter <c>name:&lt;prefix&gt;</c> (the API's "has" match; no regular expressions) and
    /// <c>labels.&lt;key&gt;=&lt;value&gt;</c> per tag, following nextPageToken; ids that start with the prefix are kept.
    /// A default id of a whole group's location (<see cref="GcpSecretIds.DefaultId"/>) is named by its key.
    /// </summary>
    public async Task<IReadOnlyList<ListedPath>> ListAsync(ListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.Prefix.All(IdCharacter))
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"find path {Echo.Quote(query.Prefix)}: a GCP secret id holds only letters, digits, '_' and '-'");
        }

        // Label keys and values: lowercase letters, digits, '_' and '-' (GCP "Labels"); anything else cannot match.
        if (query.Tags.Any(t => t.Key.Length is 0 or > 63 || !(t.Key + t.Value).All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-') || t.Value.Length > 63))
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, "find tags: GCP labels are lowercase letters, digits, '_' and '-', at most 63 characters");
        }

        var filter = string.Join(" AND ", query.Tags.Select(t => $"labels.{t.Key}={t.Value}").Prepend($"name:{query.Prefix}"));
        var found = new List<ListedPath>();
        var scanned = 0;
        string? next = null;
        do
        {
            var page = await client.ListPageAsync(project, filter, next, ListPageSize, cancellationToken).ConfigureAwait(false)
                ?? throw new SecretStoreException(StoreErrorKind.Misconfigured, $"GCP project '{project}' was not found; fix spec.gcp.projectId");
            foreach (var name in (page["secrets"] as JsonArray ?? []).Select(s => s?["name"]?.GetValue<string>() ?? ""))
            {
                if (++scanned > ListQuery.MaxScanned)
                {
                    throw new SecretStoreException(StoreErrorKind.InvalidPath, $"more than {ListQuery.MaxScanned} secrets match '{query.Prefix}'; narrow the find path");
                }

                var id = name[(name.LastIndexOf('/') + 1)..];
                var relative = NameOf(id, query.Prefix);
                if (id.StartsWith(query.Prefix, StringComparison.Ordinal) && relative.Length > 0 && query.Name(relative))
                {
                    found.Add(new ListedPath(id, relative, null));
                    if (found.Count == query.Limit)
                    {
                        return found;
                    }
                }
            }

            next = page["nextPageToken"]?.GetValue<string>() is { Length: > 0 } token ? token : null;
        }
        while (next is not null);
        return found;
    }

    private static bool IdCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    private static string NameOf(string id, string prefix) =>
        GcpSecretIds.TryParseDefault(id, out var group, out var key) && GcpSecretIds.DefaultId(group!, "") == prefix ? key! : id.StartsWith(prefix, StringComparison.Ordinal) ? id[prefix.Length..] : "";
}
