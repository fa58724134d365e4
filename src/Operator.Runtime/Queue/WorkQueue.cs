using System.Diagnostics.CodeAnalysis;

namespace Operator.Runtime;

/// <summary>
/// A queue of keys for level-based reconciling: a key waiting twice is processed once, a key is never handed to two
/// workers at once (re-added while processing, it is handed out again after <see cref="Done"/>), delayed adds fire on
/// the <see cref="TimeProvider"/> (one timer for them all, <see cref="DelayedKeys{TKey}"/>; a key handed out drops its
/// delayed entry, as its reconcile asks for the next pass itself, unless <see cref="PutBack"/> gives it back), and failures back off per
/// key. Each add has a <see cref="QueuePriority"/>: changes are handed out before refreshes, by the rule of
/// <see cref="ReadyKeys{TKey}"/> (a key added twice keeps the higher one).
/// </summary>
[SuppressMessage("Naming", "CA1711", Justification = "A work queue is what controller-runtime users know it as.")]
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock gate = new();
    private readonly ReadyKeys<TKey> ready = new();
    private readonly SemaphoreSlim pushed = new(0);
    private readonly Dictionary<TKey, Pending> dirty = [];
    private readonly Dictionary<TKey, QueuePriority> processing = [];
    private readonly Dictionary<TKey, (TimeSpan Left, QueuePriority Priority)> droppedAtHandOut = [];
    private readonly Func<TKey, long, bool> isReady;
    private readonly DelayedKeys<TKey> waiting;
    private readonly Dictionary<TKey, int> failures = [];
    private readonly BackoffOptions backoff;
    private readonly Func<double> random;
    private int readyCount;
    private long stamps;
    private bool shutDown;

    public WorkQueue(TimeProvider timeProvider, BackoffOptions? backoff = null)
        : this(timeProvider, backoff, null)
    {
    }

    internal WorkQueue(TimeProvider timeProvider, BackoffOptions? backoff, Func<double>? random)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.backoff = backoff ?? BackoffOptions.Default;

        // Jitter only spreads retries; it needs no cryptographic randomness.
        this.random = random ?? Random.Shared.NextDouble;
        isReady = (key, stamp) => dirty.TryGetValue(key, out var pending) && pending.Stamp == stamp;
        waiting = new DelayedKeys<TKey>(timeProvider, Fire);
    }

    /// <summary>Keys ready to be handed to a worker (for metrics); excludes delayed and in-flight keys.</summary>
    public int Length
    {
        get
        {
            lock (gate)
            {
                return readyCount;
            }
        }
    }

    /// <summary>No key is ready, re-added or being processed (delayed keys may wait).</summary>
    public bool IsIdle
    {
        get
        {
            lock (gate)
            {
                return dirty.Count == 0 && processing.Count == 0;
            }
        }
    }

    /// <summary>The earliest deadline of a delayed key, if any.</summary>
    public DateTimeOffset? NextDueAt
    {
        get
        {
            lock (gate)
            {
                return waiting.NextDueAt;
            }
        }
    }

    public bool IsShutDown
    {
        get
        {
            lock (gate)
            {
                return shutDown;
            }
        }
    }

    /// <summary>Adds the key now as a <see cref="QueuePriority.Change"/>.</summary>
    public void Add(TKey key) => Add(key, QueuePriority.Change);

    /// <summary>Adds the key now; a key already waiting keeps its place unless this add raises its priority.</summary>
    public void Add(TKey key, QueuePriority priority)
    {
        lock (gate)
        {
            if (shutDown)
            {
                return;
            }

            var wasDirty = dirty.TryGetValue(key, out var before);
            if (wasDirty && before.Priority >= priority)
            {
                return;
            }

            // A key being processed is pushed when it is done; until then it holds no stamp (no entry stands for it).
            if (processing.ContainsKey(key))
            {
                dirty[key] = new Pending(priority, 0);
                return;
            }

            readyCount += wasDirty ? 0 : 1;
            Push(key, priority);
        }
    }

    /// <summary>Adds a key being processed again now, with the priority it was handed out with (e.g. after a cancelled reconcile).</summary>
    public void AddAgain(TKey key)
    {
        QueuePriority priority;
        lock (gate)
        {
            priority = processing.TryGetValue(key, out var held) ? held : QueuePriority.Change;
        }

        Add(key, priority);
    }

    /// <summary>For a key handed out whose reconcile did not run (held back): gives back the delayed entry the hand-out
    /// dropped, as it asked for nothing new, and adds the key after <paramref name="delay"/> with the priority it was
    /// handed out with (a change held back stays a change).</summary>
    public void PutBack(TKey key, TimeSpan delay)
    {
        QueuePriority priority;
        (TimeSpan Left, QueuePriority Priority)? dropped;
        lock (gate)
        {
            priority = processing.TryGetValue(key, out var held) ? held : QueuePriority.Change;
            dropped = droppedAtHandOut.Remove(key, out var entry) ? entry : null;
        }

        if (dropped is { } before)
        {
            AddAfter(key, before.Left, before.Priority);
        }

        AddAfter(key, delay, priority);
    }

    /// <summary>Adds the key after <paramref name="delay"/> as a <see cref="QueuePriority.Refresh"/>.</summary>
    public void AddAfter(TKey key, TimeSpan delay) => AddAfter(key, delay, QueuePriority.Refresh);

    /// <summary>Adds the key after <paramref name="delay"/>; a key already waiting keeps the earlier of the two deadlines
    /// and the higher of the two priorities.</summary>
    public void AddAfter(TKey key, TimeSpan delay, QueuePriority priority)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key, priority);
            return;
        }

        lock (gate)
        {
            if (shutDown)
            {
                return;
            }

            waiting.Schedule(key, delay, priority);
        }
    }

    /// <summary>Adds the key after its per-key backoff and counts the failure; a retry keeps the priority the key was
    /// handed out with (a new object that fails is still a change when it is retried).</summary>
    public void AddRateLimited(TKey key)
    {
        int count;
        QueuePriority priority;
        lock (gate)
        {
            count = failures.TryGetValue(key, out var previous) ? previous + 1 : 1;
            failures[key] = count;
            priority = processing.TryGetValue(key, out var held) ? held : QueuePriority.Refresh;
        }

        AddAfter(key, backoff.DelayFor(count, random()), priority);
    }

    /// <summary>Resets the key's backoff (call after a successful reconcile).</summary>
    public void Forget(TKey key)
    {
        lock (gate)
        {
            failures.Remove(key);
        }
    }

    public int NumRequeues(TKey key)
    {
        lock (gate)
        {
            return failures.TryGetValue(key, out var count) ? count : 0;
        }
    }

    /// <summary>Waits for the next key. Returns ShutDown = true once the queue is shut down.</summary>
    public async Task<(TKey Key, bool ShutDown)> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (gate)
            {
                if (shutDown)
                {
                    return (default!, true);
                }

                if (ready.TryTake(isReady, out var key, out var priority))
                {
                    // The reconcile about to run is level-based and asks for its own next pass, so a delayed entry it
                    // would leave behind is only a later no-op reconcile (controller-runtime's priority queue keeps
                    // one entry per key the same way). A delayed add made while it runs is kept.
                    if (waiting.Remove(key) is { } dropped)
                    {
                        droppedAtHandOut[key] = dropped;
                    }

                    dirty.Remove(key);
                    processing[key] = priority;
                    readyCount--;
                    return (key, false);
                }
            }

            // One release per pushed entry (and every waiter's at shutdown); an entry found stale, or taken by another
            // worker, only costs a spurious wake-up.
            await pushed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Marks the key as no longer being processed; if it was re-added meanwhile it becomes ready again.</summary>
    public void Done(TKey key)
    {
        lock (gate)
        {
            processing.Remove(key);
            droppedAtHandOut.Remove(key);
            if (!shutDown && dirty.TryGetValue(key, out var pending))
            {
                readyCount++;
                Push(key, pending.Priority);
            }
            else if (dirty.Count == 0 && processing.Count == 0)
            {
                TrimIdle();
            }
        }
    }

    /// <summary>Collections of the size a wave grew them to give their room back once the queue is idle (issue 21:
    /// ~1.5 MB held at 10,000 groups). Only above <see cref="TrimAbove"/> entries of room, so a trickle of single keys
    /// does not reallocate at every idle moment.</summary>
    private void TrimIdle()
    {
        if (dirty.EnsureCapacity(0) > TrimAbove)
        {
            dirty.TrimExcess();
        }

        if (processing.EnsureCapacity(0) > TrimAbove)
        {
            processing.TrimExcess();
        }

        if (droppedAtHandOut.EnsureCapacity(0) > TrimAbove)
        {
            droppedAtHandOut.TrimExcess();
        }

        // With no key dirty, every entry left in the lines is stale (an upgraded key's first entry).
        ready.Clear();
        ready.TrimExcess(TrimAbove);
    }

    /// <summary>The room (entries) the queue's collections hold, for tests.</summary>
    internal int Room
    {
        get
        {
            lock (gate)
            {
                return dirty.EnsureCapacity(0) + processing.EnsureCapacity(0) + droppedAtHandOut.EnsureCapacity(0) + ready.Capacity;
            }
        }
    }

    /// <summary>The room (entries) a collection may keep while the queue is idle.</summary>
    internal const int TrimAbove = 256;

    /// <summary>Stops handing out keys and cancels delayed adds; waiting <see cref="GetAsync"/> calls return ShutDown.</summary>
    public void ShutDown()
    {
        lock (gate)
        {
            if (shutDown)
            {
                return;
            }

            shutDown = true;
            waiting.Dispose();
            ready.Clear();
            if (int.MaxValue - pushed.CurrentCount is var room and > 0)
            {
                pushed.Release(room);
            }
        }
    }

    public void Dispose() => ShutDown();

    private void Push(TKey key, QueuePriority priority)
    {
        var stamp = ++stamps;
        dirty[key] = new Pending(priority, stamp);
        ready.Push(key, stamp, priority);
        pushed.Release();
    }

    private void Fire()
    {
        List<(TKey Key, QueuePriority Priority)> due = [];
        lock (gate)
        {
            if (shutDown)
            {
                return;
            }

            waiting.TakeDue(due);
        }

        foreach (var (key, priority) in due)
        {
            Add(key, priority);
        }
    }

    private readonly record struct Pending(QueuePriority Priority, long Stamp);
}
