namespace Operator.Runtime;

/// <summary>The secondary indexes of one informer cache: index name → value → the keys of the objects holding it.</summary>
internal sealed class CacheIndexer<TEntity>
{
    // index name -> value -> an ObjectKey, or a HashSet<ObjectKey> when several objects share the value (most values,
    // such as names, have one object: a set per value would cost ~130 bytes each). Guarded by gate.
    private readonly Dictionary<string, Dictionary<string, object>> indexed;
    private readonly IReadOnlyList<CacheIndex<TEntity>> indexes;
    private readonly Lock gate = new();
    private readonly string cacheName;

    public CacheIndexer(IEnumerable<CacheIndex<TEntity>>? indexes, string cacheName)
    {
        this.indexes = [.. indexes ?? []];
        this.cacheName = cacheName;
        indexed = this.indexes.ToDictionary(i => i.Name, _ => new Dictionary<string, object>(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>The keys under <paramref name="value"/> of index <paramref name="index"/>.</summary>
    public ObjectKey[] Keys(string index, string value)
    {
        lock (gate)
        {
            if (!indexed.TryGetValue(index, out var values))
            {
                throw new ArgumentException($"the {cacheName} cache has no index '{index}'; register it with AddInformerIndex", nameof(index));
            }

            return values.TryGetValue(value, out var found) ? found is HashSet<ObjectKey> many ? [.. many] : [(ObjectKey)found] : [];
        }
    }

    /// <summary>Moves <paramref name="key"/> from the index values of <paramref name="old"/> to those of <paramref name="current"/>.</summary>
    public void Reindex(ObjectKey key, TEntity? old, TEntity? current)
    {
        if (indexes.Count == 0)
        {
            return;
        }

        lock (gate)
        {
            foreach (var index in indexes)
            {
                var values = indexed[index.Name];
                if (old is not null)
                {
                    foreach (var value in index.ValuesOf(old))
                    {
                        Unindex(values, value, key);
                    }
                }

                if (current is not null)
                {
                    foreach (var value in index.ValuesOf(current))
                    {
                        Index(values, value, key);
                    }
                }
            }
        }
    }

    private static void Index(Dictionary<string, object> values, string value, ObjectKey key)
    {
        if (!values.TryGetValue(value, out var found))
        {
            values[value] = key;
        }
        else if (found is HashSet<ObjectKey> many)
        {
            many.Add(key);
        }
        else if ((ObjectKey)found != key)
        {
            values[value] = new HashSet<ObjectKey> { (ObjectKey)found, key };
        }
    }

    private static void Unindex(Dictionary<string, object> values, string value, ObjectKey key)
    {
        if (!values.TryGetValue(value, out var found))
        {
            return;
        }

        if (found is HashSet<ObjectKey> many)
        {
            many.Remove(key);
            if (many.Count == 1)
            {
                values[value] = many.First();
            }
        }
        else if ((ObjectKey)found == key)
        {
            values.Remove(value);
        }
    }
}
