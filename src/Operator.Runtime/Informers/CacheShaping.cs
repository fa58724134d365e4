namespace Operator.Runtime;

/// <summary>A named secondary index of an informer's cache: the values under which an object is found.</summary>
/// <remarks>Lookups by index cost O(matches), where a scan of <see cref="IResourceCache{TEntity}.List"/> costs O(cache).</remarks>
public sealed record CacheIndex<TEntity>(string Name, Func<TEntity, IEnumerable<string>> ValuesOf);

/// <summary>
/// Reshapes each object before the informer caches it and hands it to handlers (client-go's transform): drop what
/// the operator never reads, so the cache costs less memory. Must be pure and keep metadata name, namespace and
/// resourceVersion.
/// </summary>
public sealed record CacheTransform<TEntity>(Func<TEntity, TEntity> Apply);
