namespace Operator.Observability;

/// <summary>
/// Bounded values for a metric's <c>namespace</c> label: the first <see cref="Limit"/> namespaces that make a store call
/// (since the operator started) keep their name, every later one is counted as <see cref="Other"/>, and calls made for no
/// group (an integration's own check) as <see cref="None"/>. So a counter has at most Limit + 2 namespace values per
/// integration however many namespaces the cluster has, and a namespace never moves from one series to another (counters
/// stay monotonic). The namespaces that exist when the operator starts are synced first, so the first ones seen are the
/// ones with groups.
/// </summary>
public sealed class NamespaceLabels(int limit = NamespaceLabels.DefaultLimit)
{
    public const int DefaultLimit = 20;
    public const string Other = "other";
    public const string None = "-";

    private readonly HashSet<string> named = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public int Limit { get; } = limit;

    /// <summary>The label value for a call made for a group in <paramref name="namespace"/> (null: for no group).</summary>
    public string For(string? @namespace)
    {
        if (string.IsNullOrEmpty(@namespace))
        {
            return None;
        }

        lock (gate)
        {
            if (named.Contains(@namespace) || (named.Count < Limit && named.Add(@namespace)))
            {
                return @namespace;
            }
        }

        return Other;
    }
}
