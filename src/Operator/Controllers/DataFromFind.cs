using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>
/// spec.dataFrom[].find: lists the store under the path (bounded by maxKeys), reads what the listing did not return in
/// the store's own batches, and names the keys: the path after find.path, every character a Secret key cannot hold
/// made '_' (External Secrets Operator's default conversion), then the entry's rewrites.
/// </summary>
public static class DataFromFind
{
    /// <summary>The keys <paramref name="entry"/> finds; every problem is a <see cref="ConditionException"/> naming its field.</summary>
    public static async Task<IReadOnlyList<DerivedKey>> ReadAsync(
        DataFromSource entry, ISecretStore store, SecretStoreIntegration integration, IntegrationFqn fqn, GroupFqn group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(integration);
        var find = entry.Find!;
        if (!store.Capabilities.CanList)
        {
            throw new ConditionException("FindNotSupported", $"{entry.Field}: the {fqn.Provider.ToSegment()} store cannot list values; name them in spec.secrets or use extract", retry: false);
        }

        var tags = find.Tags is { Count: > 0 } t ? new Dictionary<string, string>(t, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
        if (tags.Count > 0 && !store.Capabilities.ListsByTags)
        {
            throw new ConditionException("FindNotSupported", $"{entry.Field}.tags: the {fqn.Provider.ToSegment()} store cannot filter by tags", retry: false);
        }

        var own = OwnPrefix(store, group);
        if (integration.Spec.Access?.AllowPathReferences != true && !find.Path.StartsWith(own, StringComparison.Ordinal))
        {
            throw new ConditionException("AccessDenied", $"{entry.Field}.path: {Echo.Quote(find.Path)} is outside the group's own location '{own}', and integration '{integration.Metadata.Name}' has spec.access.allowPathReferences false", retry: false);
        }

        var limit = find.MaxKeys ?? FindSpec.DefaultMaxKeys;
        var nameField = $"{entry.Field}.name.regexp";
        var query = new ListQuery(find.Path, n => entry.NameFilter is null || KeyRegex.IsMatch(entry.NameFilter, n, nameField), tags, limit + 1);
        var values = new Dictionary<string, StoreValue>(StringComparer.Ordinal);
        IReadOnlyList<ListedPath> listed;
        try
        {
            listed = await store.ListAsync(query, cancellationToken).ConfigureAwait(false);
            if (listed.Count > limit)
            {
                throw new ConditionException("TooManyKeys", $"{entry.Field}.maxKeys: more than {limit} values under {Echo.Quote(find.Path)}; raise maxKeys (at most {FindSpec.MaxMaxKeys}) or narrow path or name; the managed Secret is unchanged", retry: true);
            }

            foreach (var found in listed.Where(l => l.Value is not null))
            {
                values[found.Path] = found.Value!;
            }

            // Names without values (Vault folders, GCP, Azure) are read like spec.secrets: in the store's batches.
            foreach (var chunk in listed.Where(l => l.Value is null).Select(l => l.Path).Chunk(Math.Max(1, store.Capabilities.MaxBatchSize)))
            {
                foreach (var (path, value) in await store.ReadManyAsync(chunk, cancellationToken).ConfigureAwait(false))
                {
                    values[path] = value;
                }
            }
        }
        catch (SecretStoreException e)
        {
            throw new ConditionException(e.Reason, $"{entry.Field}: listing '{fqn}' failed: {e.Message}; the managed Secret is unchanged", e.Retry, e);
        }

        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var derived = new List<DerivedKey>(listed.Count);
        foreach (var found in listed)
        {
            // A value deleted between the listing and the read is simply not found.
            if (!values.TryGetValue(found.Path, out var value))
            {
                continue;
            }

            var key = entry.KeyFor(ToKeyCharacters(found.Name));
            if (!keys.TryAdd(key, found.Name))
            {
                throw new ConditionException("InvalidKeyName", $"{entry.Field}: {Echo.Quote(keys[key])} and {Echo.Quote(found.Name)} both become key {Echo.Quote(key)}; add a rewrite; the managed Secret is unchanged", retry: true);
            }

            derived.Add(new DerivedKey(key, entry.Field, $"{fqn}::{found.Path}", value.Value, value.Version));
        }

        return derived;
    }

    /// <summary>Where the group's own keys live: its default path of any key, without the key.</summary>
    public static string OwnPrefix(ISecretStore store, GroupFqn group)
    {
        ArgumentNullException.ThrowIfNull(store);
        const string probe = "k";
        var path = store.DefaultPath(group, probe);
        return path.EndsWith(probe, StringComparison.Ordinal) ? path[..^probe.Length] : path;
    }

    /// <summary>ESO's conversionStrategy Default: a character outside <c>[-._a-zA-Z0-9]</c> becomes '_'.</summary>
    private static string ToKeyCharacters(string name) =>
        string.Create(name.Length, name, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_';
            }
        });
}
