namespace Operator.Stores;

/// <summary>A token bucket on <see cref="TimeProvider"/>: <c>qps</c> tokens a second, at most <c>burst</c> saved up.</summary>
public sealed class TokenBucket
{
    private readonly TimeProvider time;
    private readonly double qps;
    private readonly double burst;
    private readonly Lock gate = new();
    private double tokens;
    private long lastRefill;

    public TokenBucket(double qps, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(qps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.qps = qps;
        this.burst = burst;
        tokens = burst;
        lastRefill = time.GetTimestamp();
    }

    /// <summary>Default that keeps a handful of integrations under SSM's default 40 TPS for GetParameters.</summary>
    public static (double Qps, int Burst) Defaults => (10, 20);

    public double Qps => qps;

    /// <summary>Whether the bucket has refilled to its burst (an idle bucket, no different from a new one).</summary>
    public bool IsFull
    {
        get
        {
            lock (gate)
            {
                Refill();
                return tokens >= burst;
            }
        }
    }

    /// <summary>Waits until a token is free, then takes it.</summary>
    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        while (!TryAcquire(out var wait))
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes a token if one is free; otherwise says how long until one is.</summary>
    public bool TryAcquire(out TimeSpan retryAfter)
    {
        lock (gate)
        {
            Refill();
            if (tokens >= 1)
            {
                tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - tokens) / qps);
            return false;
        }
    }

    private void Refill()
    {
        var now = time.GetTimestamp();
        var elapsed = time.GetElapsedTime(lastRefill, now).TotalSeconds;
        lastRefill = now;
        tokens = Math.Min(burst, tokens + (elapsed * qps));
    }
}
