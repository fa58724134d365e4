using CsCheck;
using Microsoft.Extensions.Time.Testing;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

public sealed class WorkQueuePropertyTests
{
    private static readonly string[] Keys = ["a", "b", "c"];

    /// <summary>
    /// Any interleaving of adds, takes and completions keeps the queue in step with a simple model: a key is ready at
    /// most once, never while a worker holds it, and a key added during processing becomes ready when it is done.
    /// </summary>
    [Fact]
    public void AnySequenceOfOperations_MatchesTheModel()
    {
        Gen.Int[0, 8].Array[1, 80].Sample(operations =>
        {
            using var queue = new WorkQueue<string>(new FakeTimeProvider());
            var dirty = new HashSet<string>();
            var processing = new HashSet<string>();

            foreach (var op in operations)
            {
                var key = Keys[op % 3];
                switch (op / 3)
                {
                    case 0:
                        queue.Add(key);
                        dirty.Add(key);
                        break;
                    case 1 when processing.Contains(key):
                        queue.Done(key);
                        processing.Remove(key);
                        break;
                    case 2 when queue.Length > 0:
                        var taken = queue.GetAsync(CancellationToken.None);
                        Assert.True(taken.IsCompleted);
                        var (got, _) = taken.Result;
                        Assert.Contains(got, dirty);
                        Assert.DoesNotContain(got, processing);
                        dirty.Remove(got);
                        processing.Add(got);
                        break;
                    default:
                        break;
                }

                Assert.Equal(dirty.Count(k => !processing.Contains(k)), queue.Length);
            }
        });
    }

    /// <summary>
    /// Any interleaving of change adds, refresh adds, takes and completions on five keys: each line is FIFO (a key raised
    /// from refresh to change joins the end of the changes), a refresh is handed out while a change is ready only after
    /// <see cref="ReadyKeys{TKey}.ChangesPerRefresh"/> changes in a row, and never more changes in a row than that while a
    /// refresh is ready.
    /// </summary>
    [Fact]
    public void AnySequenceWithPriorities_KeepsBothLinesFifo_AndTheShareRule()
    {
        string[] keys = ["a", "b", "c", "d", "e"];
        Gen.Int[0, 19].Array[1, 120].Sample(operations =>
        {
            using var queue = new WorkQueue<string>(new FakeTimeProvider());
            var dirty = new Dictionary<string, QueuePriority>();
            var processing = new HashSet<string>();
            var changes = new List<string>();
            var refreshes = new List<string>();
            var changesInARow = 0;

            void MakeReady(string key, QueuePriority priority) => (priority == QueuePriority.Change ? changes : refreshes).Add(key);

            foreach (var op in operations)
            {
                var key = keys[op % 5];
                switch (op / 5)
                {
                    case 0 or 1:
                        var priority = op / 5 == 0 ? QueuePriority.Change : QueuePriority.Refresh;
                        queue.Add(key, priority);
                        if (dirty.TryGetValue(key, out var was) && was >= priority)
                        {
                            break;
                        }

                        dirty[key] = priority;
                        if (!processing.Contains(key))
                        {
                            refreshes.Remove(key);
                            MakeReady(key, priority);
                        }

                        break;
                    case 2 when processing.Contains(key):
                        queue.Done(key);
                        processing.Remove(key);
                        if (dirty.TryGetValue(key, out var pending))
                        {
                            MakeReady(key, pending);
                        }

                        break;
                    case 3 when queue.Length > 0:
                        var (got, _) = queue.GetAsync(CancellationToken.None).Result;
                        var refreshDue = refreshes.Count > 0 && (changes.Count == 0 || changesInARow >= ReadyKeys<string>.ChangesPerRefresh);
                        var line = refreshDue ? refreshes : changes;
                        Assert.Equal(line[0], got);
                        Assert.True(changesInARow <= ReadyKeys<string>.ChangesPerRefresh);
                        changesInARow = refreshDue || refreshes.Count == 0 ? 0 : changesInARow + 1;
                        line.RemoveAt(0);
                        dirty.Remove(got);
                        processing.Add(got);
                        break;
                    default:
                        break;
                }

                Assert.Equal(changes.Count + refreshes.Count, queue.Length);
            }
        });
    }
}
