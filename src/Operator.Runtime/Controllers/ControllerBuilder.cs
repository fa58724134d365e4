using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Operator.Runtime;

/// <summary>Adds secondary watches to a controller: events on another kind enqueue keys of this controller's kind.</summary>
public sealed class ControllerBuilder<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    internal ControllerBuilder(IServiceCollection services)
    {
        Services = services;
    }

    public IServiceCollection Services { get; }

    /// <summary>Events on <typeparamref name="TOther"/> (its informer is added if missing) enqueue the mapped keys.</summary>
    public ControllerBuilder<TEntity> Watches<TOther>(Func<TOther, IEnumerable<ObjectKey>> map)
        where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(map);
        Services.AddInformer<TOther>();
        Services.AddSingleton<IControllerWiring>(new WatchWiring<TEntity, TOther>(map));
        return this;
    }
}
