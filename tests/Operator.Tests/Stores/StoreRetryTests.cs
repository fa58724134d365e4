using Microsoft.Extensions.Time.Testing;
using Operator.Entities.V1Alpha1;
using Operator.Stores;

namespace Operator.Tests.Stores;

/// <summary>One store call under throttling: the wait the service asks for is honoured, within the integration's budget.</summary>
public sealed class StoreRetryTests
{
    private static SecretStoreException Throttled(TimeSpan? retryAfter) =>
        new(StoreErrorKind.Throttled, "throttled (429)") { RetryAfter = retryAfter };

    /// <summary>Runs the call on a fake clock, advancing it in small steps until the call ends; returns when each attempt began.</summary>
    private static async Task<(List<DateTimeOffset> Attempts, Exception? Error)> RunAsync(StoreRetry retry, FakeTimeProvider time, int throttledAttempts, TimeSpan? retryAfter)
    {
        var attempts = new List<DateTimeOffset>();
        var task = retry.ExecuteAsync(
            _ =>
            {
                attempts.Add(time.GetUtcNow());
                return attempts.Count <= throttledAttempts ? throw Throttled(retryAfter) : Task.FromResult(true);
            },
            CancellationToken.None);
        for (var step = 0; !task.IsCompleted && step < 100_000; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Yield();
        }

        try
        {
            await task;
            return (attempts, null);
        }
        catch (SecretStoreException e)
        {
            return (attempts, e);
        }
    }

    [Fact]
    public async Task RetryAfterLongerThanTheBackoff_IsWaitedBeforeTheNextAttempt()
    {
        var time = new FakeTimeProvider();

        var (attempts, error) = await RunAsync(new StoreRetry(time), time, throttledAttempts: 1, retryAfter: TimeSpan.FromSeconds(5));

        Assert.Null(error);
        Assert.Equal(2, attempts.Count);
        Assert.InRange(attempts[1] - attempts[0], TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5.1));
    }

    [Fact]
    public async Task RetryAfterPastTheBudget_FailsAtOnce_InsteadOfWaiting()
    {
        var time = new FakeTimeProvider();
        var retry = StoreRetry.From(new RetrySpec { Budget = "3s" }, time);

        var (attempts, error) = await RunAsync(retry, time, throttledAttempts: 1, retryAfter: TimeSpan.FromSeconds(10));

        Assert.Equal(StoreErrorKind.Throttled, Assert.IsType<SecretStoreException>(error).Kind);
        Assert.Single(attempts);
        Assert.True(time.GetUtcNow() - attempts[0] < TimeSpan.FromSeconds(1), "gave up only after waiting");
    }

    [Fact]
    public async Task MaxAttemptsOfTheIntegration_BoundTheAttempts()
    {
        var time = new FakeTimeProvider();
        var retry = StoreRetry.From(new RetrySpec { MaxAttempts = 2 }, time);

        var (attempts, error) = await RunAsync(retry, time, throttledAttempts: 10, retryAfter: null);

        Assert.NotNull(error);
        Assert.Equal(2, attempts.Count);
    }

    [Fact]
    public async Task WithoutASpec_TheDefaultsApply()
    {
        var time = new FakeTimeProvider();
        var retry = StoreRetry.From(null, time);

        var (attempts, error) = await RunAsync(retry, time, throttledAttempts: 10, retryAfter: TimeSpan.FromSeconds(1));

        Assert.NotNull(error);
        Assert.Equal(StoreRetry.DefaultMaxAttempts, attempts.Count);
        Assert.Equal(TimeSpan.FromSeconds(30), retry.Budget);
    }
}
