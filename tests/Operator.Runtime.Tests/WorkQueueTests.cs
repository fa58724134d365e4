using Microsoft.Extensions.Time.Testing;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

public sealed class WorkQueueTests
{
    private readonly FakeTimeProvider time = new();
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    private WorkQueue<string> NewQueue(double random = 0.5, BackoffOptions? backoff = null) =>
        new(time, backoff ?? new BackoffOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 0.1), () => random);

    [Fact]
    public async Task KeyAddedTwice_IsProcessedOnce()
    {
        using var queue = NewQueue();
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        Assert.Equal(2, queue.Length);
        Assert.Equal("a", (await queue.GetAsync(ct)).Key);
        Assert.Equal("b", (await queue.GetAsync(ct)).Key);
        Assert.Equal(0, queue.Length);
    }

    [Fact]
    public async Task KeyReaddedWhileProcessing_IsNotHandedToASecondWorker_UntilDone()
    {
        using var queue = NewQueue();
        queue.Add("a");
        var (key, _) = await queue.GetAsync(ct);

        queue.Add("a");
        var second = queue.GetAsync(ct);

        Assert.Equal(0, queue.Length);
        Assert.False(second.IsCompleted);

        queue.Done(key);

        var (again, shutDown) = await second.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.False(shutDown);
        Assert.Equal("a", again);
    }

    [Fact]
    public async Task KeyNotReaddedWhileProcessing_IsGoneAfterDone()
    {
        using var queue = NewQueue();
        queue.Add("a");
        var (key, _) = await queue.GetAsync(ct);
        queue.Done(key);

        Assert.Equal(0, queue.Length);
    }

    [Fact]
    public async Task AKeyHandedOut_DropsItsDelayedEntry_SoTheReconcileAloneDecidesWhenItComesBack()
    {
        using var queue = NewQueue();
        queue.AddAfter("a", TimeSpan.FromMinutes(5));
        queue.AddAfter("b", TimeSpan.FromMinutes(10));
        queue.Add("a");

        var (key, _) = await queue.GetAsync(ct);
        Assert.Equal("a", key);
        queue.Done(key);

        // "a" was reconciled now; its 5-minute entry would only be a second, no-op reconcile (level-based reconcilers ask
        // for the next pass in their result). "b" keeps its own.
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(10), queue.NextDueAt);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, queue.Length);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, queue.Length);
        Assert.Equal("b", (await queue.GetAsync(ct)).Key);
    }

    [Fact]
    public async Task ADelayedAdd_MadeWhileTheKeyIsProcessed_IsKept()
    {
        using var queue = NewQueue();
        queue.Add("a");
        var (key, _) = await queue.GetAsync(ct);
        queue.AddAfter("a", TimeSpan.FromMinutes(1));
        queue.Done(key);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, queue.Length);
    }

    [Fact]
    public void AddAfter_FiresOnlyWhenFakeTimeAdvances()
    {
        using var queue = NewQueue();
        queue.AddAfter("a", TimeSpan.FromSeconds(5));

        Assert.Equal(0, queue.Length);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, queue.Length);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Length);
    }

    [Fact]
    public void AddAfter_KeepsTheEarlierDeadline()
    {
        using var queue = NewQueue();
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(2));
        queue.AddAfter("a", TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, queue.Length);
    }

    [Fact]
    public void AddAfter_WithZeroDelay_AddsImmediately()
    {
        using var queue = NewQueue();
        queue.AddAfter("a", TimeSpan.Zero);
        Assert.Equal(1, queue.Length);
    }

    [Fact]
    public void AddRateLimited_BacksOffExponentiallyPerKey()
    {
        using var queue = NewQueue();

        foreach (var expectedSeconds in new[] { 1, 2, 4, 8 })
        {
            queue.AddRateLimited("a");
            time.Advance(TimeSpan.FromSeconds(expectedSeconds) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(0, queue.Length);
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, queue.Length);
            DrainOne(queue);
        }

        Assert.Equal(4, queue.NumRequeues("a"));
        Assert.Equal(0, queue.NumRequeues("b"));
    }

    [Fact]
    public void Forget_ResetsBackoffToTheBase()
    {
        using var queue = NewQueue();
        queue.AddRateLimited("a");
        queue.AddRateLimited("a");
        queue.AddRateLimited("a");
        queue.Forget("a");

        Assert.Equal(0, queue.NumRequeues("a"));
        time.Advance(TimeSpan.FromSeconds(1));
        DrainOne(queue);

        queue.AddRateLimited("a");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Length);
    }

    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(2, 2.0)]
    [InlineData(3, 4.0)]
    [InlineData(6, 32.0)]
    [InlineData(7, 60.0)]
    [InlineData(40, 60.0)]
    [InlineData(1000, 60.0)]
    public void Backoff_GrowsExponentially_UpToTheCap_WithinJitterBounds(int failures, double nominalSeconds)
    {
        var backoff = new BackoffOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 0.1);

        var low = backoff.DelayFor(failures, 0.0);
        var middle = backoff.DelayFor(failures, 0.5);
        var high = backoff.DelayFor(failures, 0.999999);

        Assert.Equal(nominalSeconds, middle.TotalSeconds, 6);
        Assert.InRange(low.TotalSeconds, nominalSeconds * 0.9 - 1e-6, nominalSeconds);
        Assert.InRange(high.TotalSeconds, nominalSeconds, Math.Min(nominalSeconds * 1.1, 60) + 1e-6);
        Assert.True(high <= backoff.Cap);
    }

    [Fact]
    public void Backoff_WithRealRandomness_StaysWithinJitterBounds()
    {
        using var queue = new WorkQueue<string>(time, new BackoffOptions(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5), 0.1));
        queue.AddRateLimited("a");

        time.Advance(TimeSpan.FromSeconds(9) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, queue.Length);
        time.Advance(TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(2));
        Assert.Equal(1, queue.Length);
    }

    [Fact]
    public async Task ShutDown_ReleasesWaitingWorkers_AndIgnoresLaterAdds()
    {
        var queue = NewQueue();
        var waiting = queue.GetAsync(ct);
        queue.AddAfter("late", TimeSpan.FromSeconds(1));

        queue.ShutDown();

        var (_, shutDown) = await waiting.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.True(shutDown);
        queue.Add("a");
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, queue.Length);
        Assert.True((await queue.GetAsync(ct)).ShutDown);
    }

    [Fact]
    public async Task GetAsync_HonoursCancellation()
    {
        using var queue = NewQueue();
        using var cts = new CancellationTokenSource();
        var waiting = queue.GetAsync(cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    private static void DrainOne(WorkQueue<string> queue)
    {
        var (key, _) = queue.GetAsync(CancellationToken.None).GetAwaiter().GetResult();
        queue.Done(key);
    }

    [Fact]
    public async Task AfterAWave_TheIdleQueueGivesBackTheRoomItGrewTo_ButNotWhileKeysRemain()
    {
        using var queue = NewQueue();
        for (var i = 0; i < 5_000; i++)
        {
            queue.Add($"g{i}", i % 2 == 0 ? QueuePriority.Change : QueuePriority.Refresh);
        }

        var grown = queue.Room;
        Assert.True(grown > 5_000, $"room {grown}");
        for (var i = 0; i < 4_999; i++)
        {
            queue.Done((await queue.GetAsync(ct)).Key);
        }

        // One key still waits: nothing is trimmed (the lines and the dirty set still hold what they grew to).
        Assert.True(queue.Room >= grown, $"room {queue.Room} of {grown}");

        queue.Done((await queue.GetAsync(ct)).Key);

        Assert.True(queue.IsIdle);
        Assert.True(queue.Room <= 4 * WorkQueue<string>.TrimAbove, $"room {queue.Room} of {grown}");
        queue.Add("again");
        Assert.Equal("again", (await queue.GetAsync(ct)).Key);
    }
}
