using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace Operator.Runtime;

/// <summary>
/// A queue of keys for level-based reconciling: a key waiting twice is processed once, a key is never handed to two
/// workers at once (re-added while processing, it is handed out again after <see cref="Done"/>), delayed adds fire on
/// the <see cref="TimeProvider"/>, and failures back off per key.
/// </summary>
[SuppressMessage("Naming", "CA1711", Justification = "A work queue is what controller-runtime users know it as.")]
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock gate = new();
    private readonly Channel<TKey> ready = Channel.CreateUnbounded<TKey>();
    private readonly HashSet<TKey> dirty = [];
    private readonly HashSet<TKey> processing = [];
    private readonly Dictionary<TKey, Delayed> waiting = [];
    private readonly Dictionary<TKey, int> failures = [];
    private readonly TimeProvider time;
    private readonly BackoffOptions backoff;
    private readonly Func<double> random;
    private bool shutDown;

    public WorkQueue(TimeProvider timeProvider, BackoffOptions? backoff = null)
        : this(timeProvider, backoff, null)
    {
    }

    internal WorkQueue(TimeProvider timeProvider, BackoffOptions? backoff, Func<double>? random)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        time = timeProvider;
        this.backoff = backoff ?? BackoffOptions.Default;

        // Jitter only spreads retries; it needs no cryptographic randomness.
        this.random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>Keys ready to be handed to a worker (for metrics); excludes delayed and in-flight keys.</summary>
    public int Length => ready.Reader.Count;

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
                return waiting.Count == 0 ? null : waiting.Values.Min(d => d.DueAt);
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

    public void Add(TKey key)
    {
        lock (gate)
        {
            if (shutDown || !dirty.Add(key))
            {
                return;
            }

            if (!processing.Contains(key))
            {
                ready.Writer.TryWrite(key);
            }
        }
    }

    /// <summary>Adds the key after <paramref name="delay"/>; a key already waiting keeps the earlier of the two deadlines.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (gate)
        {
            if (shutDown)
            {
                return;
            }

            var dueAt = time.GetUtcNow() + delay;
            if (waiting.TryGetValue(key, out var existing))
            {
                if (existing.DueAt <= dueAt)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            var delayed = new Delayed(dueAt);
            waiting[key] = delayed;
            delayed.Timer = time.CreateTimer(_ => Fire(key, delayed), null, delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Adds the key after its per-key backoff and counts the failure.</summary>
    public void AddRateLimited(TKey key)
    {
        int count;
        lock (gate)
        {
            count = failures.TryGetValue(key, out var previous) ? previous + 1 : 1;
            failures[key] = count;
        }

        AddAfter(key, backoff.DelayFor(count, random()));
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

                if (ready.Reader.TryRead(out var key))
                {
                    dirty.Remove(key);
                    processing.Add(key);
                    return (key, false);
                }
            }

            try
            {
                if (!await ready.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return (default!, true);
                }
            }
            catch (ChannelClosedException)
            {
                return (default!, true);
            }
        }
    }

    /// <summary>Marks the key as no longer being processed; if it was re-added meanwhile it becomes ready again.</summary>
    public void Done(TKey key)
    {
        lock (gate)
        {
            processing.Remove(key);
            if (!shutDown && dirty.Contains(key))
            {
                ready.Writer.TryWrite(key);
            }
        }
    }

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
            foreach (var delayed in waiting.Values)
            {
                delayed.Timer.Dispose();
            }

            waiting.Clear();
            ready.Writer.TryComplete();
        }
    }

    public void Dispose() => ShutDown();

    private void Fire(TKey key, Delayed delayed)
    {
        lock (gate)
        {
            if (!waiting.TryGetValue(key, out var current) || !ReferenceEquals(current, delayed))
            {
                return;
            }

            waiting.Remove(key);
            delayed.Timer.Dispose();
        }

        Add(key);
    }

    private sealed class Delayed(DateTimeOffset dueAt)
    {
        public DateTimeOffset DueAt { get; } = dueAt;

        public ITimer Timer { get; set; } = null!;
    }
}
