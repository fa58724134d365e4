using Azure;
using Azure.Security.KeyVault.Secrets;

namespace Operator.Stores.Azure;

/// <summary>spec.dataFrom[].find on Key Vault: list secrets (names and tags, no values), then read the ones kept.</summary>
public sealed partial class AzureKeyVaultStore
{
    /// <summary>
    /// GET /secrets page by page (25 a page, following nextLink; each page one rate-limit token and its own retry), keeping
    /// enabled secrets whose name starts with the prefix (Key Vault compares names case-insensitively) and that carry every
    /// tag asked for (Key Vault has no server-side filter). A name the operator encoded (<c>&lt;tenant&gt;--&lt;group&gt;--&lt;key&gt;</c>)
    /// found under a whole group's location is named by its key; any other by what follows the prefix.
    /// </summary>
    public async Task<IReadOnlyList<ListedPath>> ListAsync(ListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var found = new List<ListedPath>();
        var scanned = 0;
        string? next = null;
        do
        {
            var token = next;
            var page = await CallAsync("list", query.Prefix, async ct =>
            {
                await foreach (var p in client.GetPropertiesOfSecretsAsync(ct).AsPages(token).WithCancellation(ct).ConfigureAwait(false))
                {
                    return p;
                }

                return null;
            }, cancellationToken).ConfigureAwait(false);
            foreach (var secret in page?.Values ?? [])
            {
                if (++scanned > ListQuery.MaxScanned)
                {
                    throw new SecretStoreException(StoreErrorKind.InvalidPath, $"more than {ListQuery.MaxScanned} secrets in {vault.Host}; narrow the find path");
                }

                if (secret.Enabled == false || !secret.Name.StartsWith(query.Prefix, StringComparison.OrdinalIgnoreCase) || !HasTags(secret, query.Tags))
                {
                    continue;
                }

                var name = NameOf(secret.Name, query.Prefix);
                if (name.Length > 0 && query.Name(name))
                {
                    found.Add(new ListedPath(secret.Name, name, null));
                    if (found.Count == query.Limit)
                    {
                        return found;
                    }
                }
            }

            next = page?.ContinuationToken;
        }
        while (next is not null);
        return found;
    }

    private static bool HasTags(SecretProperties secret, IReadOnlyDictionary<string, string> tags) =>
        tags.All(t => secret.Tags.TryGetValue(t.Key, out var value) && value == t.Value);

    private static string NameOf(string secretName, string prefix) =>
        prefix.EndsWith("--", StringComparison.Ordinal) && AzureSecretNames.Decode(secretName) is { } parts && string.Equals(AzureSecretNames.Encode(parts.Tenant, parts.Group, ""), prefix, StringComparison.OrdinalIgnoreCase)
            ? parts.Key
            : secretName[prefix.Length..];
}
