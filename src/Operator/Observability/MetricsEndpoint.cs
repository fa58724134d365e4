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

    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RuntimeMetrics.MeterName, OperatorMetrics.MeterName, RuntimeMeter)
            .AddView(instrument => instrument is System.Diagnostics.Metrics.Histogram<double> && instrument.Name.EndsWith("_seconds", StringComparison.Ordinal)
                ? new ExplicitBucketHistogramConfiguration { Boundaries = OperatorMetrics.DurationBuckets }
                : instrument.Name == "secretgroup_store_calls_per_sync" ? new ExplicitBucketHistogramConfiguration { Boundaries = OperatorMetrics.CallsPerSyncBuckets }
                : instrument.Meter.Name == RuntimeMeter ? new MetricStreamConfiguration { CardinalityLimit = RuntimeCardinalityLimit }
                : null)
            .AddPrometheusExporter());
        return services;
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
