using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Operator.Benchmarks;

/// <summary>The markdown table (pasted into README.md) and the per-scenario detail lines.</summary>
internal static class Report
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Table(IReadOnlyList<ScenarioResult> results)
    {
        var b = new StringBuilder();
        b.AppendLine("| scenario | group reads (floor / per-key N×K) | per-key ÷ ours | wall s (floor s) | wall ÷ floor | throttled groups | unchanged pass: Secret writes / store calls | store calls 1st window after restart | peak RSS MiB | steady RSS MiB | peak heap MiB | heap KiB/group | reconciles/s |");
        b.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var ratio = r.SyncGroupReads == 0 ? "-" : (r.PerKeyCalls / (double)r.SyncGroupReads).ToString("F1", Inv) + "×";
            var wall = r.FloorSeconds > 0 ? $"{r.SyncSeconds.ToString("F1", Inv)} ({r.FloorSeconds.ToString("F1", Inv)})" : r.SyncSeconds.ToString("F1", Inv);
            var wallRatio = r.FloorSeconds > 0 ? (r.SyncSeconds / r.FloorSeconds).ToString("F2", Inv) : "-";
            var unchanged = r.UnchangedSecretWrites is null ? "-" : $"{r.UnchangedSecretWrites} / {Calls(r.UnchangedStoreCalls)}";
            var restart = r.RestartStoreCalls is null ? "-" : $"{Calls(r.RestartStoreCalls)} in {r.RestartWindowSeconds?.ToString("F0", Inv)}s";
            var rss = Math.Max(r.PeakRssBytes, r.PeakRssAfterRestartBytes ?? 0) / 1048576.0;
            b.Append(CultureInfo.InvariantCulture, $"| {r.Name} | {r.SyncGroupReads} ({r.FloorCalls} / {r.PerKeyCalls}) | {ratio} | {wall} | {wallRatio} | {r.ThrottledGroups} | {unchanged} | {restart} | {rss.ToString("F0", Inv)} | {(r.SteadyRssBytes / 1048576.0).ToString("F0", Inv)} | {(r.PeakHeapBytes / 1048576.0).ToString("F0", Inv)} | {(r.HeapBytesPerGroup / 1024).ToString("F1", Inv)} | {r.ReconcilesPerSecond.ToString("F0", Inv)} |");
            b.AppendLine();
        }

        return b.ToString();
    }

    /// <summary>
    /// What each further group costs: between the smallest and largest N of a scenario shape (same K, store and
    /// variant), the steady heap's and steady RSS's growth ÷ the groups added (heap ÷ N alone counts the fixed heap too).
    /// </summary>
    public static string Slopes(IReadOnlyList<ScenarioResult> results)
    {
        var b = new StringBuilder();
        foreach (var shape in results.Where(r => r.SteadyRssBytes > 0).GroupBy(r => (r.Keys, r.StoreTps, r.Variant)))
        {
            var small = shape.MinBy(r => r.Groups)!;
            var large = shape.MaxBy(r => r.Groups)!;
            if (large.Groups > small.Groups)
            {
                var added = (large.Groups - small.Groups) * 1024.0;
                b.AppendLine(CultureInfo.InvariantCulture, $"per group (N={small.Groups}→{large.Groups}, K={shape.Key.Keys}, {(shape.Key.StoreTps > 0 ? $"{shape.Key.StoreTps} TPS" : "unlimited")}, {shape.Key.Variant}): steady heap +{((large.SteadyHeapBytes - small.SteadyHeapBytes) / added).ToString("F1", Inv)} KiB, steady RSS +{((large.SteadyRssBytes - small.SteadyRssBytes) / added).ToString("F1", Inv)} KiB");
            }
        }

        return b.ToString();
    }

    public static string Detail(ScenarioResult r)
    {
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"   created {r.Groups} groups in {r.CreateSeconds:F1}s; all Ready after {r.SyncSeconds:F1}s (floor {r.FloorSeconds:F1}s)");
        b.AppendLine(CultureInfo.InvariantCulture, $"   store calls (sync): {Calls(r.SyncStoreCalls)}; answered ThrottlingException by the fake: {r.SyncFakeThrottled}; groups ever StoreThrottled: {r.ThrottledGroups}");
        b.AppendLine(CultureInfo.InvariantCulture, $"   Ready=False reasons seen: {string.Join(", ", r.NotReadyReasons.Select(p => $"{p.Key}={p.Value}"))}");
        b.AppendLine(CultureInfo.InvariantCulture, $"   API requests (sync): {Calls(r.SyncApiRequests)}");
        if (r.RestartStoreCalls is not null)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"   restart: store calls in first {r.RestartWindowSeconds:F0}s: {Calls(r.RestartStoreCalls)}; API requests: {Calls(r.RestartApiRequests)}");
            b.AppendLine(CultureInfo.InvariantCulture, $"   unchanged pass (refreshInterval {r.RefreshSeconds:F0}s) took {r.UnchangedPassSeconds:F1}s: Secret writes {r.UnchangedSecretWrites}; store calls {Calls(r.UnchangedStoreCalls)}; API requests {Calls(r.UnchangedApiRequests)}");
        }

        b.AppendLine(CultureInfo.InvariantCulture, $"   peak RSS {r.PeakRssBytes / 1048576.0:F0} MiB{(r.PeakRssAfterRestartBytes is { } a ? $" (after restart {a / 1048576.0:F0} MiB{(r.PeakRssRestartWindowBytes is { } w ? $", {w / 1048576.0:F0} MiB by the end of its restart window" : "")})" : "")}; peak managed heap {r.PeakHeapBytes / 1048576.0:F0} MiB (GC committed {r.PeakGcCommittedBytes / 1048576.0:F0} MiB); steady RSS {r.SteadyRssBytes / 1048576.0:F0} MiB, heap {r.SteadyHeapBytes / 1048576.0:F0} MiB ({r.HeapBytesPerGroup / 1024:F1} KiB/group); {r.ReconcilesPerSecond:F0} reconciles/s");
        b.Append(CultureInfo.InvariantCulture, $"   per-key client: {r.PerKeySampleCalls} GetParameter for {r.PerKeySampleGroups} groups in {r.PerKeySampleSeconds:F1}s ({r.PerKeySampleThrottled} throttled) → {r.PerKeyExtrapolatedSeconds:F1}s for {r.Groups} groups");
        return b.ToString();
    }

    private static string Calls(IReadOnlyDictionary<string, int>? calls) =>
        calls is null || calls.Count == 0 ? "0" : $"{calls.Values.Sum()} ({string.Join(", ", calls.Select(p => $"{p.Key} {p.Value}"))})";
}
