using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Operator.Runtime;

/// <summary>
/// Lists then watches one kind into a local cache: resumes the watch from the last seen resourceVersion (bookmarks
/// included) when the server ends it, relists on 410 Gone, retries failures with backoff, and tells handlers what changed.
/// </summary>
public sealed partial class ResourceInformer<TEntity> : IResourceCache<TEntity>, IInformer
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private static readonly BackoffOptions RetryBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2);

    /// <summary>A watch that ends sooner than this without any event is treated as a failure (as client-go does).</summary>
    private static readonly TimeSpan ShortWatch = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<ObjectKey, TEntity> cache = new();

    // index name -> value -> an ObjectKey, or a HashSet<ObjectKey> when several objects share the value (most values,
    // such as names, have one object: a set per value would cost ~130 bytes each). Guarded by indexGate.
    private readonly Dictionary<string, Dictionary<string, object>> indexed;
    private readonly IReadOnlyList<CacheIndex<TEntity>> indexes;
    private readonly Func<TEntity, TEntity>? transform;
    private readonly Lock indexGate = new();
    private readonly List<IResourceChangeHandler<TEntity>> handlers = [];
    private readonly IListWatcher<TEntity> source;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly TaskCompletionSource syncedOnce = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool synced;
    private int failures;

    internal ResourceInformer(
        IListWatcher<TEntity> source,
        TimeProvider time,
        ILogger logger,
        IEnumerable<CacheIndex<TEntity>>? indexes = null,
        CacheTransform<TEntity>? transform = null)
    {
        this.source = source;
        this.time = time;
        this.logger = logger;
        this.indexes = [.. indexes ?? []];
        this.transform = transform?.Apply;
        indexed = this.indexes.ToDictionary(i => i.Name, _ => new Dictionary<string, object>(StringComparer.Ordinal), StringComparer.Ordinal);
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
        ObjectKey[] keys;
        lock (indexGate)
        {
            if (!indexed.TryGetValue(index, out var values))
            {
                throw new ArgumentException($"the {Name} cache has no index '{index}'; register it with AddInformerIndex", nameof(index));
            }

            keys = values.TryGetValue(value, out var found) ? found is HashSet<ObjectKey> many ? [.. many] : [(ObjectKey)found] : [];
        }

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

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var (items, resourceVersion) = await source.ListAsync(cancellationToken).ConfigureAwait(false);
                Replace(items, resourceVersion);
                failures = 0;
                LogListed(logger, Name, items.Count, resourceVersion);
                await WatchUntilGoneAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogListFailed(logger, Name, e);
                await BackOffAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Replaces the cache with a fresh list, telling handlers what was added, changed or removed meanwhile.</summary>
    internal void Replace(IEnumerable<TEntity> items, string? resourceVersion)
    {
        var fresh = new Dictionary<ObjectKey, TEntity>();
        foreach (var item in items)
        {
            var shaped = Shape(item);
            fresh[ObjectKey.From(shaped)] = shaped;
        }

        foreach (var (key, old) in cache)
        {
            if (!fresh.ContainsKey(key) && cache.TryRemove(key, out _))
            {
                Reindex(key, old, null);
                Notify(h => h.OnDeleted(old));
            }
        }

        foreach (var (key, item) in fresh)
        {
            if (cache.TryGetValue(key, out var old))
            {
                cache[key] = item;
                Reindex(key, old, item);
                if (old.Metadata?.ResourceVersion != item.Metadata?.ResourceVersion)
                {
                    Notify(h => h.OnUpdated(old, item));
                }
            }
            else
            {
                cache[key] = item;
                Reindex(key, null, item);
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
                        Reindex(key, old, shaped);
                        Notify(h => h.OnUpdated(old, shaped));
                    }
                    else
                    {
                        cache[key] = shaped;
                        Reindex(key, null, shaped);
                        Notify(h => h.OnAdded(shaped));
                    }

                    break;
                }

            case WatchEventType.Deleted:
                {
                    var key = ObjectKey.From(entity);
                    if (cache.TryRemove(key, out var removed))
                    {
                        Reindex(key, removed, null);
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

    internal static bool IsGone(Exception e) => e switch
    {
        KubernetesException k => k.Status?.Code == (int)HttpStatusCode.Gone || k.Status?.Reason is "Expired" or "Gone",
        HttpOperationException h => h.Response?.StatusCode == HttpStatusCode.Gone,
        _ => false,
    };

    /// <summary>Watches and re-watches from the last resourceVersion; returns when the version is gone and a relist is needed.</summary>
    private async Task WatchUntilGoneAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var gone = false;
            var received = 0;
            var started = time.GetTimestamp();
            Exception? watchError = null;
            try
            {
                var events = source.WatchAsync(
                    LastResourceVersion ?? string.Empty,
                    e =>
                    {
                        if (IsGone(e))
                        {
                            gone = true;
                        }
                        else
                        {
                            watchError = e;
                        }
                    },
                    cancellationToken);
                await foreach (var (type, entity) in events.ConfigureAwait(false))
                {
                    received++;
                    if (entity is not null)
                    {
                        Apply(type, entity);
                    }

                    if (gone)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (IsGone(e))
            {
                gone = true;
            }
            catch (Exception e)
            {
                watchError = e;
            }

            if (gone)
            {
                LogRelisting(logger, Name, LastResourceVersion);
                return;
            }

            if (watchError is not null)
            {
                LogWatchFailed(logger, Name, LastResourceVersion, watchError);
                await BackOffAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (received == 0 && time.GetElapsedTime(started) < ShortWatch)
            {
                // A server that ends watches at once (no events, not even bookmarks) must not make us spin. A quiet watch
                // that lived longer (a proxy's idle timeout) is resumed at once: backing off would only delay changes.
                LogWatchEnded(logger, Name, LastResourceVersion);
                await BackOffAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                failures = 0;
                LogWatchEnded(logger, Name, LastResourceVersion);
            }
        }
    }

    private TEntity Shape(TEntity entity) => transform is null ? entity : transform(entity);

    /// <summary>Moves <paramref name="key"/> from the index values of <paramref name="old"/> to those of <paramref name="current"/>.</summary>
    private void Reindex(ObjectKey key, TEntity? old, TEntity? current)
    {
        if (indexes.Count == 0)
        {
            return;
        }

        lock (indexGate)
        {
            foreach (var index in indexes)
            {
                var values = indexed[index.Name];
                if (old is not null)
                {
                    foreach (var value in index.ValuesOf(old))
                    {
                        Unindex(values, value, key);
                    }
                }

                if (current is not null)
                {
                    foreach (var value in index.ValuesOf(current))
                    {
                        if (!values.TryGetValue(value, out var found))
                        {
                            values[value] = key;
                        }
                        else if (found is HashSet<ObjectKey> many)
                        {
                            many.Add(key);
                        }
                        else if ((ObjectKey)found != key)
                        {
                            values[value] = new HashSet<ObjectKey> { (ObjectKey)found, key };
                        }
                    }
                }
            }
        }
    }

    private static void Unindex(Dictionary<string, object> values, string value, ObjectKey key)
    {
        if (!values.TryGetValue(value, out var found))
        {
            return;
        }

        if (found is HashSet<ObjectKey> many)
        {
            many.Remove(key);
            if (many.Count == 1)
            {
                values[value] = many.First();
            }
        }
        else if ((ObjectKey)found == key)
        {
            values.Remove(value);
        }
    }

    private Task BackOffAsync(CancellationToken cancellationToken)
    {
        failures++;
        return Task.Delay(RetryBackoff.DelayFor(failures, Random.Shared.NextDouble()), time, cancellationToken);
    }

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
                LogHandlerFailed(logger, Name, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listed {Informer}: {Count} objects at resourceVersion {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, string informer, int count, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listing {Informer} failed; retrying with backoff")]
    private static partial void LogListFailed(ILogger logger, string informer, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch of {Informer} expired at resourceVersion {ResourceVersion} (410 Gone); relisting")]
    private static partial void LogRelisting(ILogger logger, string informer, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of {Informer} failed at resourceVersion {ResourceVersion}; resuming with backoff")]
    private static partial void LogWatchFailed(ILogger logger, string informer, string? resourceVersion, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Watch of {Informer} ended by the server; resuming from resourceVersion {ResourceVersion}")]
    private static partial void LogWatchEnded(ILogger logger, string informer, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Error, Message = "An event handler of {Informer} failed")]
    private static partial void LogHandlerFailed(ILogger logger, string informer, Exception exception);
}
