using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Operator.Runtime;

/// <summary>
/// Queues a controller's own objects from its informer, with a priority from what changed (controller-runtime's
/// <c>WithLowPriorityWhenUnchanged</c>, plus status-only updates): a new object (after the initial list), a new generation
/// (spec), new labels or annotations, a deletion → <see cref="QueuePriority.Change"/>; the initial list and updates that
/// change none of those (our own status writes coming back, a relist) → <see cref="QueuePriority.Refresh"/>.
/// </summary>
internal sealed class OwnChanges<TEntity>(IInformer informer, IControllerQueue<TEntity> queue) : IResourceChangeHandler<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    public void OnAdded(TEntity entity) =>
        queue.Enqueue(ObjectKey.From(entity), informer.HasSynced ? QueuePriority.Change : QueuePriority.Refresh);

    public void OnUpdated(TEntity oldEntity, TEntity newEntity) =>
        queue.Enqueue(ObjectKey.From(newEntity), PriorityOf(oldEntity.Metadata, newEntity.Metadata));

    public void OnDeleted(TEntity entity) => queue.Enqueue(ObjectKey.From(entity), QueuePriority.Change);

    /// <summary>Change when the user-owned part of the metadata moved; status and resourceVersion alone are a refresh.</summary>
    internal static QueuePriority PriorityOf(V1ObjectMeta? old, V1ObjectMeta? now) =>
        old?.Generation != now?.Generation
        || (old?.DeletionTimestamp is null) != (now?.DeletionTimestamp is null)
        || !SameMap(old?.Annotations, now?.Annotations)
        || !SameMap(old?.Labels, now?.Labels)
            ? QueuePriority.Change
            : QueuePriority.Refresh;

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
        {
            return false;
        }

        foreach (var (key, value) in a ?? new Dictionary<string, string>())
        {
            if (b is null || !b.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Attaches <see cref="OwnChanges{TEntity}"/> to the controller's own informer when the host starts.</summary>
internal sealed class OwnWiring<TEntity> : IControllerWiring
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    public void Attach(IServiceProvider services)
    {
        var informer = services.GetRequiredService<ISharedInformer<TEntity>>();
        informer.AddHandler(new OwnChanges<TEntity>(informer, services.GetRequiredService<IControllerQueue<TEntity>>()));
    }
}
