using k8s.Models;

namespace Operator.Kubectl;

/// <summary>Times and conditions as a person reads them.</summary>
public static class Words
{
    /// <summary>How long ago <paramref name="t"/> was, kubectl-style ("45s ago"); "never" when unset.</summary>
    public static string Ago(DateTime? t, DateTime now) => t is null ? "never" : $"{Span(now - Utc(t.Value))} ago";

    /// <summary>How long until <paramref name="t"/> ("in 58m"); "due now" when it passed.</summary>
    public static string Until(DateTime t, DateTime now) => Utc(t) <= now ? "due now" : $"in {Span(Utc(t) - now)}";

    /// <summary>A duration in its largest sensible unit: 45s, 3m12s, 58m, 5h, 3d.</summary>
    public static string Span(TimeSpan d)
    {
        var s = (long)Math.Max(0, d.TotalSeconds);
        return s switch
        {
            < 120 => $"{s}s",
            < 600 => $"{s / 60}m{s % 60}s",
            < 7200 => $"{s / 60}m",
            < 172800 => $"{s / 3600}h",
            _ => $"{s / 86400}d",
        };
    }

    /// <summary>The condition of type <paramref name="type"/>, if any.</summary>
    public static V1Condition? Condition(IEnumerable<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>One condition as a sentence: "Ready since 3m ago (Synced): 2 keys synced".</summary>
    public static string Sentence(V1Condition c, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(c);
        var state = c.Status switch
        {
            "True" => c.Type,
            "False" => $"not {c.Type}",
            _ => $"{c.Type} unknown",
        };
        var message = string.IsNullOrEmpty(c.Message) ? "" : $": {c.Message}";
        return $"{state} since {Ago(c.LastTransitionTime, now)} ({c.Reason}){message}";
    }

    private static DateTime Utc(DateTime t) => t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
