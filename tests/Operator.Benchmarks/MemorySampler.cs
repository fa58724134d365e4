using System.Globalization;
using Operator.Testing;

namespace Operator.Benchmarks;

/// <summary>
/// Samples an operator process twice a second: resident set from /proc, and the managed heap and GC-committed bytes
/// from its /metrics (the .NET System.Runtime meter), keeping the peaks.
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly OperatorProcess process;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public MemorySampler(OperatorProcess process)
    {
        this.process = process;
        loop = Task.Run(() => RunAsync(stop.Token));
    }

    public long PeakRssBytes { get; private set; }

    /// <summary>Largest managed heap seen after a GC (all generations, LOH and POH).</summary>
    public long PeakHeapBytes { get; private set; }

    /// <summary>Largest memory the GC had committed after a GC.</summary>
    public long PeakGcCommittedBytes { get; private set; }

    private List<(long Rss, long Heap)>? window;

    /// <summary>
    /// Samples for <paramref name="length"/> and returns the medians of RSS and managed heap over that time: the
    /// steady state of an idle operator (call it when every group is Ready).
    /// </summary>
    public async Task<(long Rss, long Heap)> SteadyAsync(TimeSpan length, CancellationToken ct)
    {
        var samples = new List<(long Rss, long Heap)>();
        window = samples;
        await Task.Delay(length, ct);
        window = null;
        lock (samples)
        {
            return samples.Count == 0 ? (0, 0) : (Median(samples.Select(s => s.Rss)), Median(samples.Select(s => s.Heap)));
        }
    }

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var uri = new Uri($"http://127.0.0.1:{process.MetricsPort.ToString(CultureInfo.InvariantCulture)}/metrics");
        while (!ct.IsCancellationRequested && !process.HasExited)
        {
            var rss = process.Rss() ?? 0;
            PeakRssBytes = Math.Max(PeakRssBytes, rss);
            try
            {
                var text = await http.GetStringAsync(uri, ct);
                var heap = Sum(text, "dotnet_gc_last_collection_heap_size_bytes");
                PeakHeapBytes = Math.Max(PeakHeapBytes, heap);
                PeakGcCommittedBytes = Math.Max(PeakGcCommittedBytes, Sum(text, "dotnet_gc_last_collection_memory_committed_size_bytes"));
                if (window is { } samples)
                {
                    lock (samples)
                    {
                        samples.Add((rss, heap));
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or busy: the next sample counts.
            }

            try
            {
                await Task.Delay(500, ct);
            }
            catch (TaskCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The sum of a Prometheus metric's samples over all label sets.</summary>
    internal static long Sum(string exposition, string metric)
    {
        double total = 0;
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(metric, StringComparison.Ordinal) && line.Length > metric.Length && line[metric.Length] is '{' or ' ')
            {
                var rest = line[metric.Length] == '{' ? line[(line.LastIndexOf('}') + 1)..] : line[metric.Length..];
                var value = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    total += v;
                }
            }
        }

        return (long)total;
    }

    public async ValueTask DisposeAsync()
    {
        if (stop.IsCancellationRequested)
        {
            return;
        }

        await stop.CancelAsync();
        await loop;
        stop.Dispose();
        http.Dispose();
    }
}
