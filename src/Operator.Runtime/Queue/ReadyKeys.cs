namespace Operator.Runtime;

/// <summary>
/// The ready keys of a <see cref="WorkQueue{TKey}"/> in two FIFO lines, with the rule that decides which line goes next:
/// changes first, but while refreshes wait, at least one of every <see cref="ChangesPerRefresh"/> + 1 keys handed out is
/// a refresh. So a change waits behind at most the changes queued before it (and one refresh per
/// <see cref="ChangesPerRefresh"/> of them), never behind a refresh wave, and refreshes keep at least a
/// 1 / (<see cref="ChangesPerRefresh"/> + 1) share of the workers however many changes arrive. Not thread-safe: the queue
/// holds its lock. Each entry carries the stamp it was pushed with; only the entry whose stamp the key still holds counts
/// (an upgraded or already taken key leaves a stale entry behind, skipped when it reaches the head).
/// </summary>
internal sealed class ReadyKeys<TKey>
    where TKey : notnull
{
    /// <summary>Changes handed out in a row, while refreshes wait, before one refresh goes.</summary>
    public const int ChangesPerRefresh = 4;

    private readonly Queue<(TKey Key, long Stamp)> changes = new();
    private readonly Queue<(TKey Key, long Stamp)> refreshes = new();
    private int changesInARow;

    /// <summary>Puts the key at the end of its priority's line.</summary>
    public void Push(TKey key, long stamp, QueuePriority priority) => (priority == QueuePriority.Change ? changes : refreshes).Enqueue((key, stamp));

    /// <summary>Takes the next key by the rule above; <paramref name="isReady"/> says whether an entry (key, stamp) still
    /// stands for a ready key (stale entries are dropped).</summary>
    public bool TryTake(Func<TKey, long, bool> isReady, out TKey key, out QueuePriority priority)
    {
        var hasChange = DropStale(changes, isReady);
        var hasRefresh = DropStale(refreshes, isReady);
        if (hasChange && !(hasRefresh && changesInARow >= ChangesPerRefresh))
        {
            changesInARow = hasRefresh ? changesInARow + 1 : 0;
            priority = QueuePriority.Change;
            key = changes.Dequeue().Key;
            return true;
        }

        changesInARow = 0;
        if (hasRefresh)
        {
            priority = QueuePriority.Refresh;
            key = refreshes.Dequeue().Key;
            return true;
        }

        priority = default;
        key = default!;
        return false;
    }

    /// <summary>Gives back the room of a line holding more than <paramref name="above"/> entries of it.</summary>
    public void TrimExcess(int above)
    {
        foreach (var line in (Queue<(TKey Key, long Stamp)>[])[changes, refreshes])
        {
            if (line.EnsureCapacity(0) > above)
            {
                line.TrimExcess();
            }
        }
    }

    /// <summary>The room the two lines hold (entries), for tests.</summary>
    internal int Capacity => changes.EnsureCapacity(0) + refreshes.EnsureCapacity(0);

    public void Clear()
    {
        changes.Clear();
        refreshes.Clear();
    }

    private static bool DropStale(Queue<(TKey Key, long Stamp)> line, Func<TKey, long, bool> isReady)
    {
        while (line.TryPeek(out var head) && !isReady(head.Key, head.Stamp))
        {
            line.Dequeue();
        }

        return line.Count > 0;
    }
}
