using System.Diagnostics;

namespace Operator.Testing.Stores.AzureKeyVault;

/// <summary>Faults the Key Vault fake injects into vault operations (never into the token endpoint).</summary>
public sealed class AzureKeyVaultFaults
{
    private readonly Lock gate = new();
    private int throttleNext;
    private double tps;
    private double tokens;
    private long lastRefill;
    private double failShare;
    private int failStatus = 503;
    private int throttled;

    /// <summary>Vault calls answered 429 so far.</summary>
    public int ThrottledCount => Volatile.Read(ref throttled);

    /// <summary>Added before every answer (vault and token endpoint alike).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>The next <paramref name="calls"/> vault calls are answered 429 with Retry-After.</summary>
    public void ThrottleNext(int calls)
    {
        lock (gate)
        {
            throttleNext = calls;
        }
    }

    /// <summary>Answers 429 once vault calls exceed <paramref name="callsPerSecond"/> (a one-second bucket); 0 turns it off.</summary>
    public void ThrottleAtTps(double callsPerSecond)
    {
        lock (gate)
        {
            tps = callsPerSecond;
            tokens = callsPerSecond;
            lastRefill = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Fails about <paramref name="share"/> (0 to 1) of vault calls with <paramref name="status"/>.</summary>
    public void FailShare(double share, int status = 503)
    {
        lock (gate)
        {
            failShare = share;
            failStatus = status;
        }
    }

    /// <summary>The status to answer with instead of serving the call, or null to serve it.</summary>
    internal int? Decide()
    {
        lock (gate)
        {
            if (throttleNext > 0)
            {
                throttleNext--;
                throttled++;
                return 429;
            }

            if (tps > 0)
            {
                var now = Stopwatch.GetTimestamp();
                tokens = Math.Min(tps, tokens + (Stopwatch.GetElapsedTime(lastRefill, now).TotalSeconds * tps));
                lastRefill = now;
                if (tokens < 1)
                {
                    throttled++;
                    return 429;
                }

                tokens -= 1;
            }

            return failShare > 0 && Random.Shared.NextDouble() < failShare ? failStatus : null;
        }
    }
}
