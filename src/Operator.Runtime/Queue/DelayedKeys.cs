namespace Operator.Runtime;

/// <summary>
/// The delayed keys of a <see cref="WorkQueue{TKey}"/>: each key's deadline and priority in one min-heap, behind ONE timer
/// armed for the earliest deadline (a timer per key cost ~350 bytes a key at 10,000 groups; issue 21). A key scheduled
/// again keeps the earlier of the two deadlines and the higher of the two priorities; an entry it leaves behind in the
/// heap is skipped by its stamp and dropped when the heap is rebuilt. Deadlines run on the provider's monotonic clock
/// (as a timer's delay does), so a wall-clock step neither fires nor holds keys. Not thread-safe: the queue holds its lock.
/// </summary>
internal sealed class DelayedKeys<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Dictionary<TKey, Entry> waiting = [];
    private readonly PriorityQueue<(TKey Key, long Stamp), (long DueTicks, long Stamp)> heap = new();
    private readonly TimeProvider time;
    private readonly ITimer timer;
    private readonly long origin;
    private long stamps;
    private long? armedFor;

    /// <param name="time">The clock and timer source.</param>
    /// <param name="onDue">Called on the timer when the earliest deadline may have passed; it calls <see cref="TakeDue"/>.</param>
    public DelayedKeys(TimeProvider time, Action onDue)
    {
        this.time = time;
        origin = time.GetTimestamp();
        timer = time.CreateTimer(_ => onDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Keys waiting for their deadline.</summary>
    public int Count => waiting.Count;

    /// <summary>Entries in the heap, stale ones included (bounded: at most about twice <see cref="Count"/> plus 64).</summary>
    internal int HeapCount => heap.Count;

    /// <summary>The earliest deadline, if any key waits.</summary>
    public DateTimeOffset? NextDueAt => Head() is { } head ? time.GetUtcNow() + TimeSpan.FromTicks(head.DueTicks - Now()) : null;

    /// <summary>Schedules <paramref name="key"/> after <paramref name="delay"/>, or keeps its earlier deadline, raising its priority.</summary>
    public void Schedule(TKey key, TimeSpan delay, QueuePriority priority)
    {
        var dueTicks = Now() + delay.Ticks;
        if (waiting.TryGetValue(key, out var existing))
        {
            var higher = existing.Priority < priority ? priority : existing.Priority;
            if (existing.DueTicks <= dueTicks)
            {
                waiting[key] = existing with { Priority = higher };
                return;
            }

            priority = higher;
        }

        var stamp = ++stamps;
        waiting[key] = new Entry(dueTicks, priority, stamp);
        heap.Enqueue((key, stamp), (dueTicks, stamp));
        if (heap.Count > (2 * waiting.Count) + 64)
        {
            Rebuild();
        }

        Arm();
    }

    /// <summary>Drops <paramref name="key"/>'s deadline, if it has one (its heap entry goes stale), and returns the time
    /// left until it and its priority, so it can be given back.</summary>
    public (TimeSpan Left, QueuePriority Priority)? Remove(TKey key)
    {
        if (!waiting.Remove(key, out var entry))
        {
            return null;
        }

        Arm();
        return (TimeSpan.FromTicks(Math.Max(0, entry.DueTicks - Now())), entry.Priority);
    }

    /// <summary>Moves the keys whose deadline has passed into <paramref name="due"/>, earliest first, and arms the timer for
    /// the next deadline.</summary>
    public void TakeDue(ICollection<(TKey Key, QueuePriority Priority)> due)
    {
        var nowTicks = Now();
        while (Head() is { } head && head.DueTicks <= nowTicks)
        {
            var (key, _) = heap.Dequeue();
            due.Add((key, waiting[key].Priority));
            waiting.Remove(key);
        }

        armedFor = null;
        Arm();
    }

    /// <summary>Forgets every key and stops the timer.</summary>
    public void Clear()
    {
        waiting.Clear();
        heap.Clear();
        armedFor = null;
        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        waiting.Clear();
        heap.Clear();
        timer.Dispose();
    }

    /// <summary>The earliest current entry (stale entries on top are dropped).</summary>
    private (long DueTicks, long Stamp)? Head()
    {
        while (heap.TryPeek(out var top, out var order))
        {
            if (waiting.TryGetValue(top.Key, out var entry) && entry.Stamp == top.Stamp)
            {
                return order;
            }

            heap.Dequeue();
        }

        return null;
    }

    private void Arm()
    {
        var next = Head()?.DueTicks;
        if (next == armedFor)
        {
            return;
        }

        armedFor = next;
        var delay = next is { } ticks ? TimeSpan.FromTicks(Math.Max(0, ticks - Now())) : Timeout.InfiniteTimeSpan;
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Time since this instance was made, in ticks, on the provider's monotonic clock.</summary>
    private long Now() => time.GetElapsedTime(origin).Ticks;

    private void Rebuild()
    {
        heap.Clear();
        foreach (var (key, entry) in waiting)
        {
            heap.Enqueue((key, entry.Stamp), (entry.DueTicks, entry.Stamp));
        }
    }

    private readonly record struct Entry(long DueTicks, QueuePriority Priority, long Stamp);
}
