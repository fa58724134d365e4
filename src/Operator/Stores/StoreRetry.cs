namespace Operator.Stores;

/// <summary>
/// Retries a store call that was throttled (or answered something worth asking again at once, such as a payload that
/// failed its checksum) with exponential backoff and full jitter, waiting at least what the service asked for
/// (<see cref="SecretStoreException.RetryAfter"/>: Retry-After, RetryInfo), within a per-call budget of attempts and
/// time: a wait that would end past the budget is not started, the failure is returned instead.
/// </summary>
public sealed class StoreRetry(TimeProvider time, int maxAttempts = StoreRetry.DefaultMaxAttempts, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null, TimeSpan? budget = null)
{
    public const int DefaultMaxAttempts = 6;

    /// <summary>The longest one call may spend waiting between attempts unless the integration says otherwise.</summary>
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(30);

    private readonly TimeSpan baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(200);
    private readonly TimeSpan maxDelay = maxDelay ?? TimeSpan.FromSeconds(10);
    private readonly TimeSpan budget = budget ?? DefaultBudget;

    public int MaxAttempts => maxAttempts;

    /// <summary>The retry an integration asks for in <c>spec.retry</c>; the defaults where it is silent.</summary>
    public static StoreRetry From(Entities.V1Alpha1.RetrySpec? spec, TimeProvider time) =>
        new(time, spec?.MaxAttempts ?? DefaultMaxAttempts, budget: Durations.TryParse(spec?.Budget, out var budget) ? budget : DefaultBudget);

    public TimeSpan Budget => budget;

    /// <summary>Runs <paramref name="call"/>, retrying a throttled one until the attempts or the time budget are spent.</summary>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan wait;
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (SecretStoreException e) when ((e.Kind == StoreErrorKind.Throttled || e.RetryInCall) && attempt < maxAttempts)
            {
                var cap = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
                wait = TimeSpan.FromMilliseconds(cap * (0.5 + (Random.Shared.NextDouble() * 0.5)));
                if (e.RetryAfter is { } asked && asked > wait)
                {
                    wait = asked;
                }

                if (time.GetElapsedTime(started) + wait > budget)
                {
                    throw;
                }
            }

            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
