using System.Diagnostics.Metrics;

namespace Operator.Runtime;

/// <summary>Runtime instruments under the "Operator.Runtime" meter; exporters (Prometheus) subscribe by name.</summary>
public static class RuntimeMetrics
{
    public const string MeterName = "Operator.Runtime";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Reconciles =
        Meter.CreateCounter<long>("operator_reconcile_total", description: "Reconciles by controller and outcome.");

    private static readonly Histogram<double> ReconcileDuration =
        Meter.CreateHistogram<double>("operator_reconcile_duration_seconds", unit: "s", description: "Reconcile duration by controller.");

    private static readonly Counter<long> Retries =
        Meter.CreateCounter<long>("operator_workqueue_retries_total", description: "Keys re-queued with backoff after a failed reconcile, by controller.");

    private static readonly Counter<long> HeapTrims =
        Meter.CreateCounter<long>("operator_idle_heap_trims_total", description: "Collections that returned the heap to the OS after a burst of work (IdleHeapTrim).");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<int>> QueueDepths = new();

    private static readonly ObservableGauge<int> QueueDepth = Meter.CreateObservableGauge(
        "operator_workqueue_depth",
        () => QueueDepths.Select(pair => new Measurement<int>(pair.Value(), new KeyValuePair<string, object?>("controller", pair.Key))),
        description: "Keys ready to be reconciled, by controller.");

    internal static void TrackQueue(string controller, Func<int> depth) => QueueDepths[controller] = depth;

    internal static void RecordHeapTrim() => HeapTrims.Add(1);

    internal static void RecordRetry(string controller) =>
        Retries.Add(1, new KeyValuePair<string, object?>("controller", controller));

    internal static void RecordReconcile(string controller, string outcome, TimeSpan duration)
    {
        Reconciles.Add(1, new KeyValuePair<string, object?>("controller", controller), new KeyValuePair<string, object?>("outcome", outcome));
        ReconcileDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("controller", controller));
    }
}
