namespace Operator.Testing.Stores;

/// <summary>What a store fake does with one call: serve it, or answer it as throttled or failed in its own wire format.</summary>
public enum FakeFault
{
    None,
    Throttled,
    Failed,
}

/// <summary>
/// The fault controls every store fake shares: latency, throttling (the next N calls, or above a rate with a token
/// bucket on the fake's clock), a seeded share of failures, a full outage, and counters. The fake decides which of
/// its calls are subject to faults and how a throttle or a failure looks on its wire. Thread-safe.
/// </summary>
/// <remarks>
/// Order of the decision for one call: outage, then throttle-next, then the rate, then the failure share. A throttled
/// call spends no rate token; a failed call has spent one (the store counted it against the quota before failing).
/// </remarks>
public sealed class FakeFaults(TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, int> callCounts = new(StringComparer.Ordinal);
    private readonly List<(string Operation, DateTimeOffset At)> callTimes = [];
    private readonly List<(TimeSpan Latency, string? Operation)> latencies = [];
    private int throttleNext;
    private double tps;
    private double burst;
    private double tokens;
    private long lastRefill;
    private double failShare;
    private Random failRandom = NewRandom(1);
    private bool outage;
    private int calls;
    private int throttled;
    private int failed;

    /// <summary>
    /// The wait a throttled answer asks for (each fake in its own wire form: a <c>Retry-After</c> header, or
    /// <c>google.rpc.RetryInfo</c>); null sends none, or the fake's default.
    /// </summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Status the fake answers failures with; null for the fake's own default (e.g. 500 or 503).</summary>
    public int? FailStatus { get; private set; }

    /// <summary>Calls that went through <see cref="Decide"/> (served, throttled or failed), plus those only <see cref="Count"/>ed.</summary>
    public int Calls => Volatile.Read(ref calls);

    /// <summary>Calls answered as throttled.</summary>
    public int Throttled => Volatile.Read(ref throttled);

    /// <summary>Calls answered as failed (outage or failure share).</summary>
    public int Failed => Volatile.Read(ref failed);

    /// <summary>While true every call subject to faults fails, as in a regional outage.</summary>
    public bool Outage
    {
        get => Volatile.Read(ref outage);
        set => Volatile.Write(ref outage, value);
    }

    /// <summary>Calls so far of one operation, in the fake's own operation names (faulted calls included).</summary>
    public int CallCount(string operation)
    {
        lock (gate)
        {
            return callCounts.GetValueOrDefault(operation);
        }
    }

    /// <summary>When (on the fake's clock) each call of <paramref name="operation"/> arrived, in order.</summary>
    public IReadOnlyList<DateTimeOffset> CallTimes(string operation)
    {
        lock (gate)
        {
            return [.. callTimes.Where(c => c.Operation == operation).Select(c => c.At)];
        }
    }

    /// <summary>Delays calls (of one operation, or all) by a further <paramref name="latency"/> of real time: it stands for the network.</summary>
    public void AddLatency(TimeSpan latency, string? operation = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        lock (gate)
        {
            latencies.Add((latency, operation));
        }
    }

    /// <summary>Answers the next <paramref name="count"/> calls as throttled (added to any still pending).</summary>
    public void ThrottleNext(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (gate)
        {
            throttleNext += count;
        }
    }

    /// <summary>
    /// A token bucket of <paramref name="callsPerSecond"/> refilled on the fake's clock, holding at most
    /// <paramref name="burstSize"/> (default one second's worth, at least 1) and full at the start; calls finding it empty
    /// are throttled. 0 turns it off.
    /// </summary>
    public void ThrottleAtTps(double callsPerSecond, double? burstSize = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(callsPerSecond);
        lock (gate)
        {
            tps = callsPerSecond;
            burst = Math.Max(1, burstSize ?? callsPerSecond);
            tokens = burst;
            lastRefill = time.GetTimestamp();
        }
    }

    /// <summary>Fails a repeatable pseudo-random share (0 to 1) of calls, with <paramref name="status"/> or the fake's default; 0 turns it off.</summary>
    public void FailShare(double share, int? status = null, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(share, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(share, 1);
        lock (gate)
        {
            failShare = share;
            FailStatus = status;
            failRandom = NewRandom(seed);
        }
    }

    /// <summary>Removes every fault: latency, throttles, the failure share and the outage. Counters stay.</summary>
    public void Clear()
    {
        lock (gate)
        {
            latencies.Clear();
            throttleNext = 0;
            tps = 0;
            failShare = 0;
            FailStatus = null;
            Outage = false;
            RetryAfter = null;
        }
    }

    /// <summary>The latency to add before answering <paramref name="operation"/>.</summary>
    public TimeSpan LatencyFor(string operation)
    {
        lock (gate)
        {
            return latencies.Where(l => l.Operation is null || l.Operation == operation).Aggregate(TimeSpan.Zero, (sum, l) => sum + l.Latency);
        }
    }

    /// <summary>Waits out the latency for <paramref name="operation"/> (real time).</summary>
    public Task DelayAsync(string operation, CancellationToken cancellationToken)
    {
        var latency = LatencyFor(operation);
        return latency > TimeSpan.Zero ? Task.Delay(latency, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Counts a call that faults never apply to (a token endpoint, a refused call).</summary>
    public void Count(string operation)
    {
        lock (gate)
        {
            CountLocked(operation);
        }
    }

    /// <summary>Counts a call of <paramref name="operation"/> and decides whether a fault answers it.</summary>
    public FakeFault Decide(string operation)
    {
        lock (gate)
        {
            CountLocked(operation);
            var fault = DecideLocked();
            if (fault == FakeFault.Throttled)
            {
                throttled++;
            }
            else if (fault == FakeFault.Failed)
            {
                failed++;
            }

            return fault;
        }
    }

    private void CountLocked(string operation)
    {
        callCounts[operation] = callCounts.GetValueOrDefault(operation) + 1;
        callTimes.Add((operation, time.GetUtcNow()));
        calls++;
    }

    private FakeFault DecideLocked()
    {
        if (outage)
        {
            return FakeFault.Failed;
        }

        if (throttleNext > 0)
        {
            throttleNext--;
            return FakeFault.Throttled;
        }

        if (tps > 0)
        {
            var now = time.GetTimestamp();
            tokens = Math.Min(burst, tokens + (time.GetElapsedTime(lastRefill, now).TotalSeconds * tps));
            lastRefill = now;
            if (tokens < 1)
            {
                return FakeFault.Throttled;
            }

            tokens -= 1;
        }

#pragma warning disable CA5394 // fault injection wants a repeatable pseudo-random sequence, not a secure one
        return failShare > 0 && failRandom.NextDouble() < failShare ? FakeFault.Failed : FakeFault.None;
#pragma warning restore CA5394
    }

#pragma warning disable CA5394 // see DecideLocked
    private static Random NewRandom(int seed) => new(seed);
#pragma warning restore CA5394
}
