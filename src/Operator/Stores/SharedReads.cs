using Microsoft.Extensions.Options;
using Operator.Observability;

namespace Operator.Stores;

/// <summary>
/// One store read per value, however many groups use it: a read of (store client, path, version) serves every sync that
/// asks within its max age, and concurrent reads of one value wait for a single call (single-flight). SharedReadKeyed by the client
/// object, of which <see cref="StoreConnector"/> makes one per integration uid, generation and resolved credentials, so a
/// value reaches only callers that were handed that very client (after their access checks) and an integration change
/// drops its entries. A failed read is never kept. Bounded in entries and bytes, oldest read evicted first.
/// </summary>
public sealed class SharedReads : IDisposable
{
    private const int MaxRetries = 2;

    private readonly object gate = new();
    private readonly SharedReadEntries entries;
    private readonly Dictionary<SharedReadKey, Flight> flights = [];
    private readonly SharedReadOptions options;
    private readonly OperatorMetrics metrics;
    private readonly TimeProvider time;
    private readonly ITimer? sweeper;

    public SharedReads(IOptions<SharedReadOptions> options, OperatorMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        this.options = options.Value;
        this.metrics = metrics;
        this.time = time;
        entries = new SharedReadEntries(this.options.MaxEntries, this.options.MaxMebibytes * 1024L * 1024L);
        metrics.ObserveSharedReads(() => Count, () => Bytes);

        // Values leave memory at most a quarter window after they expire, even when nothing reads any more.
        if (this.options.Enabled)
        {
            var period = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, this.options.Window.Ticks / 4));
            sweeper = time.CreateTimer(_ => Sweep(), null, period, period);
        }
    }

    private delegate Task<Dictionary<SharedReadKey, StoreValue?>> Reader(ISecretStore store, SharedReadKey[] batch, CancellationToken cancellationToken);

    /// <summary>Values kept now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    /// <summary>Bytes kept now (values, key text and bookkeeping).</summary>
    public long Bytes
    {
        get
        {
            lock (gate)
            {
                return entries.Bytes;
            }
        }
    }

    /// <summary>
    /// The current values of <paramref name="paths"/> (absent paths left out) for a sync every <paramref name="refreshInterval"/>
    /// (zero: none), reading in the store's batches only those not read within <see cref="MaxAge"/>; <paramref name="fresh"/>
    /// reads every path (force-sync).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, StoreValue>> ReadManyAsync(
        ISecretStore store, IEnumerable<string> paths, TimeSpan refreshInterval, bool fresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(paths);
        var keys = paths.Distinct(StringComparer.Ordinal).Select(p => new SharedReadKey(store, p, null)).ToList();
        var values = await ReadAsync(store, keys, Math.Max(1, store.Capabilities.MaxBatchSize), ReadCurrentAsync, MaxAge(refreshInterval), fresh, 0, cancellationToken).ConfigureAwait(false);
        return values.Where(v => v.Value is not null).ToDictionary(v => v.Key.Path, v => v.Value!, StringComparer.Ordinal);
    }

    /// <summary>One pinned version of a path (null when absent), shared as <see cref="ReadManyAsync"/> shares current values.</summary>
    public async Task<StoreValue?> ReadVersionAsync(ISecretStore store, string path, string version, TimeSpan refreshInterval, bool fresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var key = new SharedReadKey(store, path, version);
        var values = await ReadAsync(store, [key], 1, ReadPinnedAsync, MaxAge(refreshInterval), fresh, 0, cancellationToken).ConfigureAwait(false);
        return values.GetValueOrDefault(key);
    }

    /// <summary>
    /// The oldest read a sync every <paramref name="refreshInterval"/> gets: the window, or its interval when shorter, so a
    /// value is never older than one interval more than without shared reads.
    /// </summary>
    public TimeSpan MaxAge(TimeSpan refreshInterval) =>
        refreshInterval > TimeSpan.Zero && refreshInterval < options.Window ? refreshInterval : options.Window;

    /// <summary>Forgets every value of <paramref name="path"/> read through <paramref name="store"/> (it was just written or deleted).</summary>
    public void Forget(ISecretStore store, string path) => Remove(k => ReferenceEquals(k.Store, store) && k.Path == path);

    /// <summary>Forgets everything read through <paramref name="store"/> (the client was replaced or its integration deleted).</summary>
    public void Forget(ISecretStore store) => Remove(k => ReferenceEquals(k.Store, store));

    public void Dispose() => sweeper?.Dispose();

    private async Task<Dictionary<SharedReadKey, StoreValue?>> ReadAsync(
        ISecretStore store, List<SharedReadKey> keys, int batchSize, Reader read, TimeSpan maxAge, bool fresh, int attempt, CancellationToken cancellationToken)
    {
        var results = new Dictionary<SharedReadKey, StoreValue?>();
        if (!options.Enabled)
        {
            foreach (var batch in keys.Chunk(batchSize))
            {
                foreach (var (key, value) in await read(store, batch, cancellationToken).ConfigureAwait(false))
                {
                    results[key] = value;
                }
            }

            return results;
        }

        var joined = new List<(SharedReadKey Key, Task<StoreValue?> Value)>();
        var mine = new List<Flight>();
        lock (gate)
        {
            var now = time.GetUtcNow();
            metrics.RecordSharedReadEvictions("expired", entries.Expire(now - options.Window));
            foreach (var key in keys)
            {
                if (!fresh && entries.TryGet(key, now - maxAge, out var kept))
                {
                    results[key] = kept;
                }
                else if (!fresh && flights.TryGetValue(key, out var flight) && flight.StartedAt >= now - maxAge)
                {
                    joined.Add((key, flight.Completion.Task));
                }
                else
                {
                    // A fresh read (or one after a flight too old to join) replaces a flight already under way: only
                    // the newest read may be kept.
                    var own = new Flight(key, now);
                    flights[key] = own;
                    mine.Add(own);
                }
            }
        }

        metrics.RecordSharedReads(results.Count, joined.Count, mine.Count);
        await ReadOwnAsync(store, mine, batchSize, read, results, cancellationToken).ConfigureAwait(false);

        // Another sync's read: its value, or its store error (this sync fails with it, and nothing is kept). A read that
        // sync gave up (cancelled, or not reached after an earlier batch failed) is read here again.
        var again = new List<SharedReadKey>();
        foreach (var (key, value) in joined)
        {
            try
            {
                results[key] = await value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                again.Add(key);
            }
        }

        if (again.Count > 0)
        {
            // Bounded: the last attempt reads on its own, joining nobody.
            foreach (var (key, value) in await ReadAsync(store, again, batchSize, read, maxAge, attempt + 1 >= MaxRetries, attempt + 1, cancellationToken).ConfigureAwait(false))
            {
                results[key] = value;
            }
        }

        return results;
    }

    private async Task ReadOwnAsync(ISecretStore store, List<Flight> mine, int batchSize, Reader read, Dictionary<SharedReadKey, StoreValue?> results, CancellationToken cancellationToken)
    {
        var done = 0;
        try
        {
            foreach (var batch in mine.Chunk(batchSize))
            {
                var started = time.GetUtcNow();
                var values = await read(store, [.. batch.Select(f => f.Key)], cancellationToken).ConfigureAwait(false);
                Land(batch, values, started);
                foreach (var flight in batch)
                {
                    results[flight.Key] = values.GetValueOrDefault(flight.Key);
                }

                done += batch.Length;
            }
        }
        catch (Exception e)
        {
            // The failed batch's waiters share its error; those of batches not reached (and all on cancellation) retry.
            var failed = e is OperationCanceledException ? [] : mine.Skip(done).Take(batchSize).ToList();
            Abandon(mine.Skip(done).ToList(), failed, e);
            throw;
        }
    }

    private void Land(Flight[] batch, Dictionary<SharedReadKey, StoreValue?> values, DateTimeOffset readAt)
    {
        lock (gate)
        {
            foreach (var flight in batch)
            {
                // Forgotten meanwhile (a write, a replaced client) or overtaken by a fresh read: hand out, never keep.
                if (flights.TryGetValue(flight.Key, out var current) && ReferenceEquals(current, flight))
                {
                    flights.Remove(flight.Key);
                    metrics.RecordSharedReadEvictions("capacity", entries.Put(flight.Key, values.GetValueOrDefault(flight.Key), readAt));
                }
            }
        }

        foreach (var flight in batch)
        {
            flight.Completion.TrySetResult(values.GetValueOrDefault(flight.Key));
        }
    }

    private void Abandon(List<Flight> open, List<Flight> failed, Exception error)
    {
        lock (gate)
        {
            foreach (var flight in open.Where(f => flights.TryGetValue(f.Key, out var current) && ReferenceEquals(current, f)))
            {
                flights.Remove(flight.Key);
            }
        }

        foreach (var flight in open)
        {
            if (failed.Contains(flight))
            {
                flight.Completion.TrySetException(error);
                _ = flight.Completion.Task.Exception; // observed: nobody may be waiting
            }
            else
            {
                flight.Completion.TrySetCanceled();
            }
        }
    }

    private void Sweep()
    {
        lock (gate)
        {
            metrics.RecordSharedReadEvictions("expired", entries.Expire(time.GetUtcNow() - options.Window));
        }
    }

    private void Remove(Func<SharedReadKey, bool> match)
    {
        lock (gate)
        {
            var removed = entries.RemoveWhere(match);
            foreach (var key in flights.Keys.Where(match).ToList())
            {
                flights.Remove(key);
            }

            metrics.RecordSharedReadEvictions("invalidated", removed);
        }
    }

    private static async Task<Dictionary<SharedReadKey, StoreValue?>> ReadCurrentAsync(ISecretStore store, SharedReadKey[] batch, CancellationToken cancellationToken)
    {
        var values = await store.ReadManyAsync([.. batch.Select(k => k.Path)], cancellationToken).ConfigureAwait(false);
        return batch.ToDictionary(k => k, k => values.GetValueOrDefault(k.Path));
    }

    private static async Task<Dictionary<SharedReadKey, StoreValue?>> ReadPinnedAsync(ISecretStore store, SharedReadKey[] batch, CancellationToken cancellationToken)
    {
        var results = new Dictionary<SharedReadKey, StoreValue?>();
        foreach (var key in batch)
        {
            results[key] = await store.ReadVersionAsync(key.Path, key.Version!, cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>A read under way that other syncs of the same key wait for.</summary>
    private sealed class Flight(SharedReadKey key, DateTimeOffset startedAt)
    {
        public SharedReadKey Key { get; } = key;

        /// <summary>A read that started longer ago than a sync's max age may answer with what the store held before it; not joined.</summary>
        public DateTimeOffset StartedAt { get; } = startedAt;

        public TaskCompletionSource<StoreValue?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
