namespace Operator.Runtime;

/// <summary>Read-only view of an informer's local cache. Objects returned are shared: do not mutate them.</summary>
public interface IResourceCache<TEntity>
{
    TEntity? Get(ObjectKey key);

    IReadOnlyList<TEntity> List(string? @namespace = null);

    /// <summary>True once the first full list has been loaded.</summary>
    bool HasSynced { get; }
}
