namespace Operator.Stores;

/// <summary>Retries throttled store calls with exponential backoff and full jitter, within a budget of attempts.</summary>
public sealed class StoreRetry(TimeProvider time, int maxAttempts = 6, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
{
    private readonly TimeSpan baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(200);
    private readonly TimeSpan maxDelay = maxDelay ?? TimeSpan.FromSeconds(10);

    public int MaxAttempts => maxAttempts;

    /// <summary>Runs <paramref name="call"/>; a <see cref="SecretStoreException"/> of kind Throttled is retried until the budget is spent.</summary>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (SecretStoreException e) when (e.Kind == StoreErrorKind.Throttled && attempt < maxAttempts)
            {
                var cap = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
                await Task.Delay(TimeSpan.FromMilliseconds(cap * (0.5 + (Random.Shared.NextDouble() * 0.5))), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
