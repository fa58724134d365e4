using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Operator.Runtime;

/// <summary>
/// Declares what a controller watches besides its own kind (controller-runtime's <c>Watches</c> with
/// <c>EnqueueRequestsFromMapFunc</c> and <c>WithPredicates</c>): events on another kind enqueue keys of this one.
/// </summary>
public sealed class ControllerBuilder<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    internal ControllerBuilder(IServiceCollection services)
    {
        Services = services;
    }

    public IServiceCollection Services { get; }

    /// <summary>Events on <typeparamref name="TOther"/> (its informer is added if missing) enqueue the mapped keys, as
    /// changes unless <paramref name="priority"/> says otherwise (a watch that fans out to many keys at once, e.g. every
    /// group of an integration, is a refresh wave: new objects go first).</summary>
    public ControllerBuilder<TEntity> Watches<TOther>(Func<TOther, IEnumerable<ObjectKey>> map, WatchPredicate<TOther>? predicate = null, QueuePriority priority = QueuePriority.Change)
        where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(map);
        return Watches(_ => map, predicate, priority);
    }

    /// <summary>
    /// As <see cref="Watches{TOther}(Func{TOther, IEnumerable{ObjectKey}}, WatchPredicate{TOther}?, QueuePriority)"/>, with a map built from
    /// the host's services when it starts (a map that looks things up in caches).
    /// </summary>
    public ControllerBuilder<TEntity> Watches<TOther>(Func<IServiceProvider, Func<TOther, IEnumerable<ObjectKey>>> mapFactory, WatchPredicate<TOther>? predicate = null, QueuePriority priority = QueuePriority.Change)
        where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(mapFactory);
        Services.AddInformer<TOther>();
        Services.AddSingleton<IControllerWiring>(new WatchWiring<TEntity, TOther>(mapFactory, predicate ?? WatchPredicate.All<TOther>(), priority));
        return this;
    }
}
