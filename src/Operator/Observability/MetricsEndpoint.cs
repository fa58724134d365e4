using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Operator.Runtime;

namespace Operator.Observability;

/// <summary>
/// Prometheus text exposition of both meters on <c>/metrics</c>, served only on the metrics port so the health port
/// stays probe-only. OpenTelemetry's exporter keeps .NET counters as Prometheus counters and instrument names as
/// they are (prometheus-net's MeterAdapter prefixes the meter name and publishes counters as gauges).
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>The .NET runtime's meter (GC, JIT, thread pool, exceptions by type).</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>
    /// Series per runtime instrument. OpenTelemetry allocates a stream's points up front (2,000 by default, ~150 KB per
    /// instrument, ~3 MB for the runtime's twenty); they have a handful each (GC generations, exception types).
    /// </summary>
    public const int RuntimeCardinalityLimit = 100;

    /// <summary>
    /// Series per instrument of the operator's own meters whose labels are enumerations: provider × operation (and
    /// × reason for errors), controller × outcome, result, reason, or none; each fits with room to spare (a test emits
    /// every combination). The two labelled by integration (admin-created, not bounded by the operator) keep
    /// OpenTelemetry's default of 2,000.
    /// </summary>
    public const int OperatorCardinalityLimit = 100;

    /// <summary>Series of <c>operator_store_errors_total</c>: providers × store operations × error reasons.</summary>
    public const int StoreErrorCardinalityLimit = 500;

    /// <summary>Instruments labelled by integration; their series are not capped below OpenTelemetry's default.</summary>
    public static IReadOnlySet<string> ByIntegration { get; } = new HashSet<string>(StringComparer.Ordinal) { "secretgroup_store_calls_total", "secretgroup_store_calls_per_sync" };

    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RuntimeMetrics.MeterName, OperatorMetrics.MeterName, RuntimeMeter)
            .AddView(View)
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Histogram buckets and the series each stream may keep (OpenTelemetry allocates that many points up front).</summary>
    private static MetricStreamConfiguration? View(System.Diagnostics.Metrics.Instrument instrument)
    {
        var limit = instrument.Meter.Name switch
        {
            RuntimeMeter => RuntimeCardinalityLimit,
            RuntimeMetrics.MeterName or OperatorMetrics.MeterName when ByIntegration.Contains(instrument.Name) => (int?)null,
            RuntimeMetrics.MeterName or OperatorMetrics.MeterName when instrument.Name == "operator_store_errors_total" => StoreErrorCardinalityLimit,
            RuntimeMetrics.MeterName or OperatorMetrics.MeterName => OperatorCardinalityLimit,
            _ => null,
        };
        MetricStreamConfiguration? view = instrument is System.Diagnostics.Metrics.Histogram<double> && instrument.Name.EndsWith("_seconds", StringComparison.Ordinal)
            ? new ExplicitBucketHistogramConfiguration { Boundaries = OperatorMetrics.DurationBuckets }
            : instrument.Name == "secretgroup_store_calls_per_sync" ? new ExplicitBucketHistogramConfiguration { Boundaries = OperatorMetrics.CallsPerSyncBuckets }
            : limit is null ? null : new MetricStreamConfiguration();
        if (view is not null && limit is not null)
        {
            view.CardinalityLimit = limit;
        }

        return view;
    }

    /// <summary>Answers <c>GET /metrics</c> on <paramref name="metricsPort"/> only.</summary>
    public static WebApplication UsePrometheusMetrics(this WebApplication app, int metricsPort)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Observable gauges live on OperatorMetrics; create it before the first scrape.
        _ = app.Services.GetRequiredService<OperatorMetrics>();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: context => context.Connection.LocalPort == metricsPort && context.Request.Path == Path,
            path: null,
            configureBranchedPipeline: null,
            optionsName: null);
        return app;
    }
}
