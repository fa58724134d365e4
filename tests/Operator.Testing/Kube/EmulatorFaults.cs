namespace Operator.Testing.Kube;

/// <summary>Errors and latency injected into matching requests, in the order the rules were added.</summary>
public sealed class EmulatorFaults
{
    private readonly Lock _gate = new();
    private readonly List<FailureRule> _failures = [];
    private readonly List<(TimeSpan Latency, Func<RecordedRequest, bool>? Match)> _latencies = [];
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);

    /// <summary>Fails the next <paramref name="count"/> matching requests with <paramref name="statusCode"/>.</summary>
    public void FailNext(int count, int statusCode = 500, Func<RecordedRequest, bool>? match = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            _failures.Add(new FailureRule(statusCode, match) { Remaining = count });
        }
    }

    /// <summary>Fails a random (seeded, so repeatable) share of matching requests.</summary>
    public void FailShare(double share, int statusCode = 500, int seed = 1, Func<RecordedRequest, bool>? match = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(share, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(share, 1);
        lock (_gate)
        {
#pragma warning disable CA5394 // fault injection wants a repeatable pseudo-random sequence, not a secure one
            _failures.Add(new FailureRule(statusCode, match) { Share = share, Random = new Random(seed) });
#pragma warning restore CA5394
        }
    }

    /// <summary>Delays matching requests before they are handled.</summary>
    public void AddLatency(TimeSpan latency, Func<RecordedRequest, bool>? match = null)
    {
        lock (_gate)
        {
            _latencies.Add((latency, match));
        }
    }

    /// <summary>
    /// Holds watch events of <paramref name="plural"/> (e.g. <c>secretgroups</c>) until the returned handle is disposed:
    /// a lagging watch cache, as a real API server's can be, while reads and writes are answered at once.
    /// </summary>
    public IDisposable HoldWatchEvents(string plural)
    {
        lock (_gate)
        {
            _held.Add(plural);
        }

        return new Release(this, plural);
    }

    internal bool IsHeld(string plural)
    {
        lock (_gate)
        {
            return _held.Contains(plural);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _held.Clear();
            _failures.Clear();
            _latencies.Clear();
        }
    }

    internal (int? StatusCode, TimeSpan Latency) Decide(RecordedRequest request)
    {
        lock (_gate)
        {
            var latency = _latencies.Where(l => l.Match?.Invoke(request) ?? true).Aggregate(TimeSpan.Zero, (sum, l) => sum + l.Latency);
            foreach (var rule in _failures)
            {
                if (!(rule.Match?.Invoke(request) ?? true))
                {
                    continue;
                }

                if (rule.Random is { } random)
                {
#pragma warning disable CA5394 // see FailShare
                    if (random.NextDouble() < rule.Share)
#pragma warning restore CA5394
                    {
                        return (rule.StatusCode, latency);
                    }
                }
                else if (rule.Remaining > 0)
                {
                    rule.Remaining--;
                    return (rule.StatusCode, latency);
                }
            }

            return (null, latency);
        }
    }

    private sealed class FailureRule(int statusCode, Func<RecordedRequest, bool>? match)
    {
        public int StatusCode { get; } = statusCode;

        public Func<RecordedRequest, bool>? Match { get; } = match;

        public int Remaining { get; set; }

        public double Share { get; init; }

        public Random? Random { get; init; }
    }

    private sealed class Release(EmulatorFaults faults, string plural) : IDisposable
    {
        public void Dispose()
        {
            lock (faults._gate)
            {
                faults._held.Remove(plural);
            }
        }
    }
}
