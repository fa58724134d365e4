namespace Operator.Runtime;

/// <summary>Per-key exponential backoff: base·2^(failures-1), ± jitter, never above the cap.</summary>
public sealed record BackoffOptions(TimeSpan Base, TimeSpan Cap, double Jitter)
{
    public static BackoffOptions Default { get; } = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(5), 0.1);

    /// <summary>The delay before retry number <paramref name="failures"/> (1-based), with <paramref name="unitRandom"/> in [0, 1).</summary>
    public TimeSpan DelayFor(int failures, double unitRandom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var exponent = Math.Min(failures - 1, 62);
        var raw = Base.TotalMilliseconds * Math.Pow(2, exponent);
        var cap = Cap.TotalMilliseconds;
        var nominal = Math.Min(raw, cap);
        var jittered = nominal * (1 + (Jitter * ((2 * unitRandom) - 1)));
        return TimeSpan.FromMilliseconds(Math.Clamp(jittered, 0, cap));
    }
}
