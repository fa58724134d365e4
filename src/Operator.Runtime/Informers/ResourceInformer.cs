using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Operator.Runtime;

/// <summary>
/// A local cache of one kind (in all namespaces or one), kept current by its <see cref="Reflector{TEntity}"/>: shapes
/// and indexes each object and tells handlers what was added, changed or removed.
/// </summary>
public sealed class ResourceInformer<TEntity> : ISharedInformer<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<ObjectKey, TEntity> cache = new();

    private readonly CacheIndexer<TEntity> indexer;
    private readonly Func<TEntity, TEntity>? transform;
    private readonly List<IResourceChangeHandler<TEntity>> handlers = [];
    private readonly IListWatcher<TEntity> source;
    private readonly Reflector<TEntity> reflector;
    private readonly ILogger logger;
    private readonly TaskCompletionSource syncedOnce = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool synced;

    internal ResourceInformer(
        IListWatcher<TEntity> source,
        TimeProvider time,
        ILogger logger,
        IEnumerable<CacheIndex<TEntity>>? indexes = null,
        CacheTransform<TEntity>? transform = null)
    {
        this.source = source;
        this.logger = logger;
        reflector = new Reflector<TEntity>(this, source, time, logger);
        this.transform = transform?.Apply;
        indexer = new CacheIndexer<TEntity>(indexes, source.Description);
    }

    public bool HasSynced => synced;

    /// <summary>The resourceVersion the next watch resumes from.</summary>
    public string? LastResourceVersion { get; private set; }

    public string Name => source.Description;

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => syncedOnce.Task.WaitAsync(cancellationToken);

    public int Count => cache.Count;

    public TEntity? Get(ObjectKey key) => cache.TryGetValue(key, out var entity) ? entity : null;

    public IReadOnlyList<TEntity> List(string? @namespace = null) =>
        @namespace is null
            ? [.. cache.Values]
            : [.. cache.Where(pair => pair.Key.Namespace == @namespace).Select(pair => pair.Value)];

    public IReadOnlyList<TEntity> ByIndex(string index, string value)
    {
        var keys = indexer.Keys(index, value);
        var result = new List<TEntity>(keys.Length);
        foreach (var key in keys)
        {
            if (cache.TryGetValue(key, out var entity))
            {
                result.Add(entity);
            }
        }

        return result;
    }

    /// <summary>Adds a handler; add handlers before the informer runs so none misses the initial list.</summary>
    public void AddHandler(IResourceChangeHandler<TEntity> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (handlers)
        {
            handlers.Add(handler);
        }
    }

    /// <summary>Lists, then watches until cancelled (see <see cref="Reflector{TEntity}"/>).</summary>
    public Task RunAsync(CancellationToken cancellationToken) => reflector.RunAsync(cancellationToken);

    /// <summary>Replaces the cache with a fresh list (already passed through <see cref="Shape"/> when <paramref name="alreadyShaped"/>), telling handlers what was added, changed or removed meanwhile.</summary>
    internal void Replace(IEnumerable<TEntity> items, string? resourceVersion, bool alreadyShaped = false)
    {
        var fresh = new Dictionary<ObjectKey, TEntity>();
        foreach (var item in items)
        {
            var shaped = alreadyShaped ? item : Shape(item);
            fresh[ObjectKey.From(shaped)] = shaped;
        }

        foreach (var (key, old) in cache)
        {
            if (!fresh.ContainsKey(key) && cache.TryRemove(key, out _))
            {
                indexer.Reindex(key, old, null);
                Notify(h => h.OnDeleted(old));
            }
        }

        foreach (var (key, item) in fresh)
        {
            if (cache.TryGetValue(key, out var old))
            {
                cache[key] = item;
                indexer.Reindex(key, old, item);
                if (old.Metadata?.ResourceVersion != item.Metadata?.ResourceVersion)
                {
                    Notify(h => h.OnUpdated(old, item));
                }
            }
            else
            {
                cache[key] = item;
                indexer.Reindex(key, null, item);
                Notify(h => h.OnAdded(item));
            }
        }

        LastResourceVersion = resourceVersion;
        synced = true;
        syncedOnce.TrySetResult();
    }

    /// <summary>Applies one watch event to the cache.</summary>
    internal void Apply(WatchEventType type, TEntity entity)
    {
        switch (type)
        {
            case WatchEventType.Added or WatchEventType.Modified:
                {
                    var shaped = Shape(entity);
                    var key = ObjectKey.From(shaped);
                    if (cache.TryGetValue(key, out var old))
                    {
                        cache[key] = shaped;
                        indexer.Reindex(key, old, shaped);
                        Notify(h => h.OnUpdated(old, shaped));
                    }
                    else
                    {
                        cache[key] = shaped;
                        indexer.Reindex(key, null, shaped);
                        Notify(h => h.OnAdded(shaped));
                    }

                    break;
                }

            case WatchEventType.Deleted:
                {
                    var key = ObjectKey.From(entity);
                    if (cache.TryRemove(key, out var removed))
                    {
                        indexer.Reindex(key, removed, null);
                        Notify(h => h.OnDeleted(entity.Metadata is null ? removed : Shape(entity)));
                    }
                }

                break;

            case WatchEventType.Bookmark:
            case WatchEventType.Error:
            default:
                break;
        }

        var resourceVersion = entity?.Metadata?.ResourceVersion;
        if (!string.IsNullOrEmpty(resourceVersion) && type != WatchEventType.Error)
        {
            LastResourceVersion = resourceVersion;
        }
    }

    /// <summary>The form the cache keeps (the registered <see cref="CacheTransform{TEntity}"/>, if any).</summary>
    internal TEntity Shape(TEntity entity) => transform is null ? entity : transform(entity);

    private void Notify(Action<IResourceChangeHandler<TEntity>> action)
    {
        IResourceChangeHandler<TEntity>[] snapshot;
        lock (handlers)
        {
            snapshot = [.. handlers];
        }

        foreach (var handler in snapshot)
        {
            try
            {
                action(handler);
            }
            catch (Exception e)
            {
                InformerLog.HandlerFailed(logger, Name, e);
            }
        }
    }
}
