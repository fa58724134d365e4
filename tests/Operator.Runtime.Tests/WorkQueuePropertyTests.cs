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
}
