using k8s;
using k8s.Models;

namespace Operator.Runtime;

/// <summary>A level-based reconciler for one kind. Must be idempotent: running it twice in a row does nothing the second time.</summary>
public interface IReconciler<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>
    /// Called with the cached object, which may carry a deletionTimestamp; treat it as read-only (watch predicates
    /// compare the cache's old object with the new one) and write changes from a copy. Throw to retry with backoff.
    /// </summary>
    Task<ReconcileResult> ReconcileAsync(TEntity entity, CancellationToken cancellationToken);

    /// <summary>Called when the key is no longer in the cache (the object is gone).</summary>
    Task DeletedAsync(ObjectKey key, CancellationToken cancellationToken) => Task.CompletedTask;
}
