using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Operator.Runtime;

/// <summary>Connects an informer's events to a controller's queue when the host starts.</summary>
internal interface IControllerWiring
{
    void Attach(IServiceProvider services);
}

internal sealed class WatchWiring<TEntity, TOther>(Func<TOther, IEnumerable<ObjectKey>> map) : IControllerWiring
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
    where TOther : class, IKubernetesObject<V1ObjectMeta>
{
    public void Attach(IServiceProvider services)
    {
        var informer = services.GetRequiredService<ResourceInformer<TOther>>();
        var queue = services.GetRequiredService<IControllerQueue<TEntity>>();
        informer.AddHandler(new EnqueueMapped<TOther>(map, queue.Enqueue));
    }
}

/// <summary>Turns every add, update and delete into enqueued keys; on update both old and new mappings count.</summary>
internal sealed class EnqueueMapped<TOther>(Func<TOther, IEnumerable<ObjectKey>> map, Action<ObjectKey> enqueue) : IResourceChangeHandler<TOther>
{
    public void OnAdded(TOther entity) => EnqueueAll(entity);

    public void OnUpdated(TOther oldEntity, TOther newEntity)
    {
        var keys = new HashSet<ObjectKey>(map(oldEntity));
        keys.UnionWith(map(newEntity));
        foreach (var key in keys)
        {
            enqueue(key);
        }
    }

    public void OnDeleted(TOther entity) => EnqueueAll(entity);

    private void EnqueueAll(TOther entity)
    {
        foreach (var key in map(entity))
        {
            enqueue(key);
        }
    }
}
