using Microsoft.Extensions.Time.Testing;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

public sealed class DelayedKeysTests
{
    private readonly CountingTime time = new();
    private readonly List<(string Key, QueuePriority Priority)> fired = [];
    private readonly DelayedKeys<string> keys;

    public DelayedKeysTests()
    {
        keys = new DelayedKeys<string>(time, () => keys!.TakeDue(fired));
    }

    [Fact]
    public void Keys_FireInDeadlineOrder_TiesInScheduleOrder_EachWhenItsTimeComes()
    {
        keys.Schedule("c", TimeSpan.FromSeconds(3), QueuePriority.Refresh);
        keys.Schedule("a", TimeSpan.FromSeconds(1), QueuePriority.Refresh);
        keys.Schedule("b2", TimeSpan.FromSeconds(2), QueuePriority.Refresh);
        keys.Schedule("b1", TimeSpan.FromSeconds(2), QueuePriority.Change);

        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(1), keys.NextDueAt);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(fired);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([("a", QueuePriority.Refresh)], fired);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["a", "b2", "b1", "c"], fired.Select(f => f.Key));
        Assert.Equal(QueuePriority.Change, fired[2].Priority);
        Assert.Equal(0, keys.Count);
        Assert.Null(keys.NextDueAt);
    }

    [Fact]
    public void ScheduledAgain_AKeyKeepsTheEarlierDeadline_AndTheHigherPriority_AndFiresOnce()
    {
        keys.Schedule("a", TimeSpan.FromSeconds(10), QueuePriority.Refresh);
        keys.Schedule("a", TimeSpan.FromSeconds(20), QueuePriority.Change);
        keys.Schedule("b", TimeSpan.FromSeconds(10), QueuePriority.Change);
        keys.Schedule("b", TimeSpan.FromSeconds(5), QueuePriority.Refresh);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal([("b", QueuePriority.Change)], fired);

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal([("b", QueuePriority.Change), ("a", QueuePriority.Change)], fired);
    }

    [Fact]
    public void ManyKeys_OneTimer_AndEntriesLeftBehindStayBounded()
    {
        for (var i = 0; i < 1_000; i++)
        {
            keys.Schedule($"k{i}", TimeSpan.FromSeconds(2_000 - i), QueuePriority.Refresh);
        }

        // Each key moved earlier 20 times leaves 20 stale entries behind unless the heap is rebuilt.
        for (var round = 1; round <= 20; round++)
        {
            for (var i = 0; i < 1_000; i++)
            {
                keys.Schedule($"k{i}", TimeSpan.FromSeconds(2_000 - i - round), QueuePriority.Refresh);
            }
        }

        Assert.Equal(1, time.TimersCreated);
        Assert.Equal(1_000, keys.Count);
        Assert.InRange(keys.HeapCount, 1_000, (2 * 1_000) + 64);

        time.Advance(TimeSpan.FromSeconds(2_000));
        Assert.Equal(1_000, fired.Count);
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => $"k{999 - i}"), fired.Select(f => f.Key));
    }

    [Fact]
    public void Cleared_NothingFires()
    {
        keys.Schedule("a", TimeSpan.FromSeconds(1), QueuePriority.Refresh);
        keys.Clear();
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(fired);

        keys.Schedule("b", TimeSpan.FromSeconds(1), QueuePriority.Refresh);
        keys.Dispose();
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(fired);
    }

    /// <summary>A fake clock that counts the timers made on it.</summary>
    private sealed class CountingTime : FakeTimeProvider
    {
        public int TimersCreated { get; private set; }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            TimersCreated++;
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
