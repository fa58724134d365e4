namespace Operator.Runtime;

/// <summary>A named secondary index of an informer's cache: the values under which an object is found.</summary>
/// <remarks>Lookups by index cost O(matches), where a scan of <see cref="IResourceCache{TEntity}.List"/> costs O(cache).</remarks>
public sealed record CacheIndex<TEntity>(string Name, Func<TEntity, IEnumerable<string>> ValuesOf);
