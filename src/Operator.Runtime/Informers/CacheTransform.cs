namespace Operator.Runtime;

/// <summary>
/// Reshapes each object before the informer caches it and hands it to handlers (client-go's transform): drop what
/// the operator never reads, so the cache costs less memory. Must keep every value it keeps equal (sharing an equal
/// instance is fine) and keep metadata name, namespace and resourceVersion.
/// </summary>
public sealed record CacheTransform<TEntity>(Func<TEntity, TEntity> Apply);
