using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

/// <summary>Changes go before refreshes, a refresh wave never holds a change back, and refreshes are never starved.</summary>
public sealed class WorkQueuePriorityTests
{
    private const int Burst = ReadyKeys<string>.ChangesPerRefresh;
    private readonly FakeTimeProvider time = new();

    [Fact]
    public void NewKeysAddedBehindARefreshWave_AreHandedOutWithinTheirOwnCountPlusTheRefreshShare()
    {
        using var queue = new WorkQueue<string>(time);
        for (var i = 0; i < 10_000; i++)
        {
            queue.Add($"refresh-{i}", QueuePriority.Refresh);
        }

        queue.Add("change-1");
        queue.Add("change-2", QueuePriority.Change);

        var order = TakeAll(queue);

        // The two changes come first (no refresh has gone yet, so the refresh share does not apply to them).
        Assert.Equal(["change-1", "change-2"], order.Take(2));
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => $"refresh-{i}"), order.Skip(2));
    }

    [Fact]
    public void WhileChangesKeepArriving_EveryFifthKeyIsARefresh()
    {
        using var queue = new WorkQueue<string>(time);
        for (var i = 0; i < 100; i++)
        {
            queue.Add($"refresh-{i}", QueuePriority.Refresh);
        }

        var taken = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            // A flood of changes: more arrive than workers take.
            queue.Add($"change-{i}-a");
            queue.Add($"change-{i}-b");
            taken.Add(TakeOne(queue));
        }

        // Between two refreshes at most ChangesPerRefresh changes, and refreshes go in the order they were queued.
        var refreshes = taken.Select((k, i) => (k, i)).Where(p => p.k.StartsWith("refresh", StringComparison.Ordinal)).ToList();
        Assert.Equal(50 / (Burst + 1), refreshes.Count);
        Assert.All(refreshes.Zip(refreshes.Skip(1)), p => Assert.Equal(Burst + 1, p.Second.i - p.First.i));
        Assert.Equal(Enumerable.Range(0, refreshes.Count).Select(i => $"refresh-{i}"), refreshes.Select(r => r.k));
    }

    [Fact]
    public void AQueuedRefresh_AddedAgainAsAChange_MovesAhead_AndIsHandedOutOnce()
    {
        using var queue = new WorkQueue<string>(time);
        queue.Add("a", QueuePriority.Refresh);
        queue.Add("b", QueuePriority.Refresh);
        queue.Add("b", QueuePriority.Change);
        queue.Add("b", QueuePriority.Refresh);

        Assert.Equal(2, queue.Length);
        Assert.Equal(["b", "a"], TakeAll(queue));
    }

    [Fact]
    public void DelayedAdds_AreRefreshes_AndARetryKeepsThePriorityItWasHandedOutWith()
    {
        using var queue = new WorkQueue<string>(time, new BackoffOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 0));
        queue.Add("new-group");
        var key = TakeOne(queue);
        queue.AddRateLimited(key);
        queue.Done(key);
        queue.AddAfter("periodic", TimeSpan.FromMilliseconds(500));
        for (var i = 0; i < 10; i++)
        {
            queue.Add($"wave-{i}", QueuePriority.Refresh);
        }

        time.Advance(TimeSpan.FromSeconds(1));

        // The failed new group's retry is still a change: it goes before the wave and the periodic refresh due earlier.
        Assert.Equal("new-group", TakeOne(queue));
        Assert.Equal("wave-0", TakeOne(queue));
    }

    [Fact]
    public void AChangeWhileProcessing_IsHandedOutAfterDone_AsAChange()
    {
        using var queue = new WorkQueue<string>(time);
        queue.Add("a", QueuePriority.Refresh);
        var a = TakeOne(queue);
        queue.Add("b", QueuePriority.Refresh);
        queue.Add("a", QueuePriority.Change);
        Assert.Equal(1, queue.Length);

        queue.Done(a);

        Assert.Equal(["a", "b"], TakeAll(queue));
    }

    [Theory]
    [InlineData("generation", QueuePriority.Change)]
    [InlineData("annotation", QueuePriority.Change)]
    [InlineData("label", QueuePriority.Change)]
    [InlineData("deleting", QueuePriority.Change)]
    [InlineData("status", QueuePriority.Refresh)]
    public void OwnObjectUpdates_AreChangesOnlyWhenTheUserOwnedMetadataMoved(string what, QueuePriority expected)
    {
        var old = new V1ObjectMeta { Name = "g", Generation = 1, ResourceVersion = "1", Annotations = new Dictionary<string, string> { ["a"] = "1" }, Labels = new Dictionary<string, string> { ["l"] = "1" } };
        var now = new V1ObjectMeta
        {
            Name = "g",
            ResourceVersion = "2",
            Generation = what == "generation" ? 2 : 1,
            Annotations = new Dictionary<string, string> { ["a"] = what == "annotation" ? "2" : "1" },
            Labels = new Dictionary<string, string> { ["l"] = what == "label" ? "2" : "1" },
            DeletionTimestamp = what == "deleting" ? DateTime.UtcNow : null,
        };

        Assert.Equal(expected, OwnChanges<V1ConfigMap>.PriorityOf(old, now));
    }

    private static string TakeOne(WorkQueue<string> queue)
    {
        var next = queue.GetAsync(CancellationToken.None);
        Assert.True(next.IsCompletedSuccessfully);
        return next.Result.Key;
    }

    private static List<string> TakeAll(WorkQueue<string> queue)
    {
        var order = new List<string>();
        while (queue.Length > 0)
        {
            var key = TakeOne(queue);
            queue.Done(key);
            order.Add(key);
        }

        return order;
    }
}
