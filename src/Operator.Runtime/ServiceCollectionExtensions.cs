using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Operator.Runtime;

/// <summary>Everything is registered explicitly here: no assembly scanning.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the hosted service (informers, leader election, controllers), health/leader status and the event recorder.
    /// The host registers an <see cref="IKubernetes"/>; <see cref="TimeProvider.System"/> is used unless one is registered.
    /// </summary>
    public static IServiceCollection AddOperatorRuntime(this IServiceCollection services, Action<OperatorRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<OperatorRuntimeOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OperatorRuntimeOptions>, OperatorRuntimeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAdd(ServiceDescriptor.Singleton(typeof(ResourceClient<>), typeof(ResourceClient<>)));

        if (services.Any(d => d.ServiceType == typeof(OperatorHostedService)))
        {
            return services;
        }

        services.TryAddSingleton<IEventSink>(sp => new KubernetesEventSink(sp.GetRequiredService<IKubernetes>()));
        services.TryAddSingleton(sp =>
        {
            var runtime = sp.GetRequiredService<IOptions<OperatorRuntimeOptions>>().Value;
            return new EventRecorder(
                sp.GetRequiredService<IEventSink>(),
                runtime.LeaderElection.Identity,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<EventRecorder>>(),
                runtime.WatchNamespaces.Count == 0 ? "default" : runtime.LeaderElection.LeaseNamespace);
        });
        services.TryAddSingleton<IEventRecorder>(sp => sp.GetRequiredService<EventRecorder>());

        services.AddSingleton(sp => new OperatorHostedService(
            sp,
            sp.GetServices<IInformer>(),
            sp.GetServices<IController>(),
            sp.GetRequiredService<IOptions<OperatorRuntimeOptions>>(),
            sp.GetService<EventRecorder>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OperatorHostedService>>()));
        services.AddHostedService(sp => sp.GetRequiredService<OperatorHostedService>());
        services.AddSingleton(sp => new IdleHeapTrim(
            sp.GetRequiredService<IOptions<OperatorRuntimeOptions>>().Value.IdleHeapTrim,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<IdleHeapTrim>>()));
        services.AddHostedService(sp => sp.GetRequiredService<IdleHeapTrim>());
        services.AddSingleton<ILeaderStatus>(sp => sp.GetRequiredService<OperatorHostedService>());
        services.AddSingleton<IOperatorHealth>(sp => sp.GetRequiredService<OperatorHostedService>());
        return services;
    }

    /// <summary>
    /// Adds a shared informer (and <see cref="IResourceCache{TEntity}"/>) for <typeparamref name="TEntity"/>; calling it
    /// again only adds configuration. Configure a namespace and label selector to cache only what the operator manages.
    /// </summary>
    public static IServiceCollection AddInformer<TEntity>(this IServiceCollection services, Action<InformerOptions>? configure = null)
        where TEntity : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(services);
        var name = OptionsName<TEntity>();
        if (configure is not null)
        {
            services.Configure(name, configure);
        }

        if (services.Any(d => d.ServiceType == typeof(ISharedInformer<TEntity>)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ISharedInformer<TEntity>>(sp =>
        {
            var informerOptions = sp.GetRequiredService<IOptionsMonitor<InformerOptions>>().Get(name);
            var namespaces = informerOptions.Namespace is { } one ? [one]
                : EntityMetadata.For<TEntity>().Namespaced ? sp.GetService<IOptions<OperatorRuntimeOptions>>()?.Value.WatchNamespaces.Distinct(StringComparer.Ordinal).ToList() ?? []
                : [];
            var client = new ResourceClient<TEntity>(sp.GetRequiredService<IKubernetes>());
            ResourceInformer<TEntity> Informer(string? ns) => new(
                new KubernetesListWatcher<TEntity>(client, new InformerOptions { Namespace = ns, LabelSelector = informerOptions.LabelSelector }),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger($"Operator.Runtime.Informer.{EntityMetadata.For<TEntity>().Kind}"),
                sp.GetServices<CacheIndex<TEntity>>(),
                sp.GetService<CacheTransform<TEntity>>());
            return namespaces.Count switch
            {
                0 => Informer(null),
                1 => Informer(namespaces[0]),
                _ => new NamespacedInformer<TEntity>(namespaces.Select(Informer), namespaces),
            };
        });
        services.AddSingleton<IResourceCache<TEntity>>(sp => sp.GetRequiredService<ISharedInformer<TEntity>>());
        services.AddSingleton<IInformer>(sp => sp.GetRequiredService<ISharedInformer<TEntity>>());
        return services;
    }

    /// <summary>Adds a secondary index to <typeparamref name="TEntity"/>'s informer cache, read with <see cref="IResourceCache{TEntity}.ByIndex"/>.</summary>
    public static IServiceCollection AddInformerIndex<TEntity>(this IServiceCollection services, string name, Func<TEntity, IEnumerable<string>> valuesOf)
        where TEntity : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddInformer<TEntity>();
        services.AddSingleton(new CacheIndex<TEntity>(name, valuesOf));
        return services;
    }

    /// <summary>Sets the transform <typeparamref name="TEntity"/>'s informer applies before caching (one per kind; the last wins).</summary>
    public static IServiceCollection AddInformerTransform<TEntity>(this IServiceCollection services, Func<TEntity, TEntity> transform)
        where TEntity : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddInformer<TEntity>();
        services.AddSingleton(new CacheTransform<TEntity>(transform));
        return services;
    }

    /// <summary>
    /// As above, with the transform built from the services (e.g. one that shares equal strings with another kind's
    /// cache; it must resolve that cache lazily, at its first call, as the two informers may need each other).
    /// </summary>
    public static IServiceCollection AddInformerTransform<TEntity>(this IServiceCollection services, Func<IServiceProvider, Func<TEntity, TEntity>> factory)
        where TEntity : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        services.AddInformer<TEntity>();
        services.AddSingleton(sp => new CacheTransform<TEntity>(factory(sp)));
        return services;
    }

    /// <summary>
    /// Adds the controller for <typeparamref name="TEntity"/> reconciled by <typeparamref name="TReconciler"/> (resolved
    /// in a new scope per reconcile; registered as scoped unless already registered) and its informer if missing.
    /// </summary>
    public static ControllerBuilder<TEntity> AddController<TEntity, TReconciler>(this IServiceCollection services, Action<ControllerOptions>? configure = null)
        where TEntity : class, IKubernetesObject<V1ObjectMeta>
        where TReconciler : class, IReconciler<TEntity>
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(Controller<TEntity>)))
        {
            throw new InvalidOperationException($"A controller for {typeof(TEntity).Name} is already registered; use one reconciler per kind.");
        }

        services.AddInformer<TEntity>();
        var name = OptionsName<TEntity>();
        if (configure is not null)
        {
            services.Configure(name, configure);
        }

        services.TryAddScoped<TReconciler>();
        services.TryAddSingleton(sp => new WriteExpectations<TEntity>(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new Controller<TEntity>(
            sp.GetRequiredService<IResourceCache<TEntity>>(),
            sp.GetRequiredService<IServiceScopeFactory>(),
            scoped => scoped.GetRequiredService<TReconciler>(),
            sp.GetRequiredService<IOptionsMonitor<ControllerOptions>>().Get(name),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger($"Operator.Runtime.Controller.{EntityMetadata.For<TEntity>().Kind}"),
            sp.GetRequiredService<WriteExpectations<TEntity>>()));
        services.AddSingleton<IController>(sp => sp.GetRequiredService<Controller<TEntity>>());
        services.AddSingleton<IControllerQueue<TEntity>>(sp => sp.GetRequiredService<Controller<TEntity>>());
        services.AddSingleton<IControllerActivity>(sp => sp.GetRequiredService<Controller<TEntity>>());
        services.AddSingleton<IControllerWiring>(new ExpectationsWiring<TEntity>());
        services.AddSingleton<IControllerWiring>(new OwnWiring<TEntity>());
        return new ControllerBuilder<TEntity>(services);
    }

    private static string OptionsName<TEntity>() => typeof(TEntity).FullName ?? typeof(TEntity).Name;
}
