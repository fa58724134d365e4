using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Operator.Testing.Kube;

/// <summary>One change as a watch sees it; objects held here are never mutated after they are stored.</summary>
internal sealed record WatchRecord(long ResourceVersion, string StorageKey, string Namespace, string Type, JsonObject Object, JsonObject? Previous);

/// <summary>A live watch: receives every change for one storage key (optionally one namespace).</summary>
internal sealed class WatchSubscription(string storageKey, string? ns)
{
    public string StorageKey { get; } = storageKey;

    public string? Namespace { get; } = ns;

    public Channel<WatchRecord> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<WatchRecord>();

    public bool Wants(WatchRecord record) =>
        record.StorageKey == StorageKey && (Namespace is null || Namespace == record.Namespace);
}

/// <summary>
/// Raw storage: objects keyed by storage key, namespace and name, one global resourceVersion counter,
/// the change history that watches replay, and the open watches. Callers hold <see cref="Gate"/>.
/// </summary>
internal sealed class ObjectStore(int historyLimit)
{
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = new(StringComparer.Ordinal);
    private readonly LinkedList<WatchRecord> _history = new();
    private readonly List<WatchSubscription> _subscriptions = [];
    private long _resourceVersion = 1;

    // A watch may resume from any resourceVersion >= this one; older ones get 410 Gone.
    private long _oldestResumable = 1;

    public Lock Gate { get; } = new();

    public long CurrentResourceVersion => _resourceVersion;

    /// <summary>Called after every stored change, under <see cref="Gate"/>, with the previous and current state (null when absent).</summary>
    public Action<string, JsonObject?, JsonObject?>? Changed { get; set; }

    public string NextResourceVersion() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    public JsonObject? Get(string storageKey, string ns, string name) =>
        _objects.TryGetValue(storageKey, out var bucket) && bucket.TryGetValue(Key(ns, name), out var obj) ? obj : null;

    public IEnumerable<JsonObject> List(string storageKey, string? ns)
    {
        if (!_objects.TryGetValue(storageKey, out var bucket))
        {
            return [];
        }

        return ns is null ? bucket.Values.ToList() : bucket.Values.Where(o => Meta.Namespace(o) == ns).ToList();
    }

    /// <summary>
    /// The objects of <paramref name="storageKey"/> (in <paramref name="ns"/>, or all) as they were at
    /// <paramref name="resourceVersion"/>, in key order: the current ones with every later change undone. Null when the
    /// history no longer reaches back that far (etcd's compaction).
    /// </summary>
    public List<(string Key, JsonObject Object)>? ListAt(string storageKey, string? ns, long resourceVersion)
    {
        if (resourceVersion < _oldestResumable)
        {
            return null;
        }

        // The first change after the snapshot to each key says what the key held then (its previous state, or nothing).
        var then = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        foreach (var change in _history)
        {
            if (change.ResourceVersion > resourceVersion && change.StorageKey == storageKey && (ns is null || change.Namespace == ns))
            {
                then.TryAdd(Key(change.Namespace, Meta.Name(change.Object)), change.Previous);
            }
        }

        var now = _objects.TryGetValue(storageKey, out var bucket) ? bucket : new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        var snapshot = new List<(string Key, JsonObject Object)>(now.Count);
        foreach (var (key, obj) in now)
        {
            if (!then.ContainsKey(key) && (ns is null || Meta.Namespace(obj) == ns))
            {
                snapshot.Add((key, obj));
            }
        }

        foreach (var (key, obj) in then)
        {
            if (obj is not null)
            {
                snapshot.Add((key, obj));
            }
        }

        snapshot.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return snapshot;
    }

    public IEnumerable<(string StorageKey, JsonObject Object)> All() =>
        _objects.SelectMany(b => b.Value.Values.Select(o => (b.Key, o))).ToList();

    /// <summary>Stores an object whose resourceVersion has been set by <see cref="NextResourceVersion"/>.</summary>
    public void Put(string storageKey, JsonObject obj, string eventType, JsonObject? previous)
    {
        if (!_objects.TryGetValue(storageKey, out var bucket))
        {
            bucket = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _objects[storageKey] = bucket;
        }

        bucket[Key(Meta.Namespace(obj), Meta.Name(obj))] = obj;
        Record(new WatchRecord(_resourceVersion, storageKey, Meta.Namespace(obj), eventType, obj, previous));
        Changed?.Invoke(storageKey, previous, obj);
    }

    /// <summary>Removes an object; <paramref name="finalState"/> carries the deletion's resourceVersion.</summary>
    public void Remove(string storageKey, JsonObject finalState, JsonObject previous)
    {
        if (_objects.TryGetValue(storageKey, out var bucket))
        {
            bucket.Remove(Key(Meta.Namespace(finalState), Meta.Name(finalState)));
        }

        Record(new WatchRecord(_resourceVersion, storageKey, Meta.Namespace(finalState), "DELETED", finalState, previous));
        Changed?.Invoke(storageKey, previous, null);
    }

    /// <summary>Opens a watch; returns the history after <paramref name="fromResourceVersion"/> to replay, or null when it is too old.</summary>
    public (WatchSubscription Subscription, List<WatchRecord>? Replay) Subscribe(string storageKey, string? ns, long? fromResourceVersion)
    {
        var subscription = new WatchSubscription(storageKey, ns);
        List<WatchRecord>? replay = null;
        if (fromResourceVersion is { } from)
        {
            if (from < _oldestResumable)
            {
                return (subscription, null);
            }

            replay = _history.Where(r => r.ResourceVersion > from && subscription.Wants(r)).ToList();
        }

        _subscriptions.Add(subscription);
        return (subscription, replay ?? []);
    }

    public void Unsubscribe(WatchSubscription subscription)
    {
        lock (Gate)
        {
            _subscriptions.Remove(subscription);
        }
    }

    public void CompactHistory()
    {
        _history.Clear();
        _oldestResumable = _resourceVersion;
    }

    public void DropWatches(string? storageKey = null)
    {
        foreach (var subscription in _subscriptions.Where(s => storageKey is null || s.StorageKey == storageKey).ToList())
        {
            subscription.Channel.Writer.TryComplete();
            _subscriptions.Remove(subscription);
        }
    }

    private void Record(WatchRecord record)
    {
        _history.AddLast(record);
        while (_history.Count > historyLimit)
        {
            _oldestResumable = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }

        foreach (var subscription in _subscriptions)
        {
            if (subscription.Wants(record))
            {
                subscription.Channel.Writer.TryWrite(record);
            }
        }
    }

    private static string Key(string ns, string name) => ns + "/" + name;
}
