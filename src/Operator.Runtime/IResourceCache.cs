namespace Operator.Runtime;

/// <summary>Read-only view of an informer's local cache. Objects returned are shared: do not mutate them.</summary>
public interface IResourceCache<TEntity>
{
    TEntity? Get(ObjectKey key);

    IReadOnlyList<TEntity> List(string? @namespace = null);

    /// <summary>Objects whose index <paramref name="index"/> (registered with AddInformerIndex) holds <paramref name="value"/>.</summary>
    IReadOnlyList<TEntity> ByIndex(string index, string value);

    /// <summary>How many objects the cache holds (no copy).</summary>
    int Count => List().Count;

    /// <summary>True once the first full list has been loaded.</summary>
    bool HasSynced { get; }
}
