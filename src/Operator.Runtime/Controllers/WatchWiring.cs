using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Operator.Runtime;

/// <summary>Connects an informer's events to a controller's queue when the host starts.</summary>
internal interface IControllerWiring
{
    void Attach(IServiceProvider services);
}

/// <summary>A declared watch: events on <typeparamref name="TOther"/> that pass the predicate enqueue the mapped keys with
/// <paramref name="priority"/> (as refreshes while the informer delivers its initial list).</summary>
internal sealed class WatchWiring<TEntity, TOther>(
    Func<IServiceProvider, Func<TOther, IEnumerable<ObjectKey>>> mapFactory,
    WatchPredicate<TOther> predicate,
    QueuePriority priority = QueuePriority.Change) : IControllerWiring
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
    where TOther : class, IKubernetesObject<V1ObjectMeta>
{
    public void Attach(IServiceProvider services)
    {
        var informer = services.GetRequiredService<ISharedInformer<TOther>>();
        var queue = services.GetRequiredService<IControllerQueue<TEntity>>();
        var map = mapFactory(services);
        IInformer source = informer;
        informer.AddHandler(new EnqueueMapped<TOther>(map, predicate, key => queue.Enqueue(key, source.HasSynced ? priority : QueuePriority.Refresh)));
    }
}

/// <summary>Turns the events that pass the predicate into enqueued keys; on update both old and new mappings count.</summary>
internal sealed class EnqueueMapped<TOther>(Func<TOther, IEnumerable<ObjectKey>> map, WatchPredicate<TOther> predicate, Action<ObjectKey> enqueue)
    : IResourceChangeHandler<TOther>
{
    public EnqueueMapped(Func<TOther, IEnumerable<ObjectKey>> map, Action<ObjectKey> enqueue)
        : this(map, WatchPredicate.All<TOther>(), enqueue)
    {
    }

    public void OnAdded(TOther entity)
    {
        if (predicate.PassesAdd(entity))
        {
            EnqueueAll(map(entity));
        }
    }

    public void OnUpdated(TOther oldEntity, TOther newEntity)
    {
        if (!predicate.PassesUpdate(oldEntity, newEntity))
        {
            return;
        }

        var keys = new HashSet<ObjectKey>(map(oldEntity));
        keys.UnionWith(map(newEntity));
        EnqueueAll(keys);
    }

    public void OnDeleted(TOther entity)
    {
        if (predicate.PassesDelete(entity))
        {
            EnqueueAll(map(entity));
        }
    }

    private void EnqueueAll(IEnumerable<ObjectKey> keys)
    {
        foreach (var key in keys)
        {
            enqueue(key);
        }
    }
}

/// <summary>Lets the controller's write expectations see the informer's events (added before the controller's own watch).</summary>
internal sealed class ExpectationsWiring<TEntity> : IControllerWiring
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    public void Attach(IServiceProvider services) =>
        services.GetRequiredService<ISharedInformer<TEntity>>().AddHandler(services.GetRequiredService<WriteExpectations<TEntity>>());
}
