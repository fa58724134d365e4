namespace Operator.Runtime;

public sealed class ControllerOptions
{
    /// <summary>Concurrent reconciles; never two on the same key.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Delay before the first retry of a failed key; doubles per consecutive failure.</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan BackoffCap { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Relative spread applied to each backoff delay (0.1 = ±10%).</summary>
    public double Jitter { get; set; } = 0.1;

    internal BackoffOptions Backoff => new(BackoffBase, BackoffCap, Jitter);
}
