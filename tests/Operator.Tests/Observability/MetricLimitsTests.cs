using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Operator.Entities.V1Alpha1;
using Operator.Observability;
using Operator.Runtime;
using Operator.Stores;

namespace Operator.Tests.Observability;

/// <summary>
/// The cardinality limits of <see cref="MetricsEndpoint"/> through the real meter provider: every label combination
/// the operator can emit gets its own series (none folded into OpenTelemetry's overflow series), while a capped
/// instrument given more distinct values than it will ever see folds the excess (so the points it pre-allocates are bounded).
/// </summary>
/// <remarks>The meter provider listens to every meter of the operator's names in the process, so other tests' calls may
/// add series: assertions are on presence and overflow, never on counts.</remarks>
public sealed class MetricLimitsTests : IDisposable
{
    private readonly Points points = new();
    private readonly BaseExportingMetricReader reader;
    private readonly ServiceProvider services;
    private readonly OperatorMetrics metrics;

    public MetricLimitsTests()
    {
        var collection = new ServiceCollection().AddMetrics();
        collection.AddPrometheusMetrics();
        reader = new BaseExportingMetricReader(points);
        collection.ConfigureOpenTelemetryMeterProvider(b => b.AddReader(reader));
        services = collection.BuildServiceProvider();
        _ = services.GetRequiredService<MeterProvider>();
        metrics = new OperatorMetrics(services.GetRequiredService<IMeterFactory>(), new EmptyCache<k8s.Models.V1Secret>(), new Leader(), new EmptyCache<SecretGroup>(), new FakeTimeProvider());
    }

    public void Dispose()
    {
        metrics.Dispose();
        services.Dispose();
    }

    [Fact]
    public void Every_provider_operation_and_error_reason_gets_its_own_series()
    {
        var combinations = (from provider in ProviderBlocks.Names
                            from operation in InstrumentedSecretStore.Operations
                            from reason in InstrumentedSecretStore.ErrorReasons
                            select (provider, operation, reason)).ToList();
        foreach (var (provider, operation, reason) in combinations)
        {
            metrics.RecordStoreCall(provider, operation, TimeSpan.FromMilliseconds(1), reason, "aws-prod");
        }

        var seen = Collect();

        Assert.InRange(combinations.Count, 1, MetricsEndpoint.StoreErrorCardinalityLimit);
        Assert.All(combinations, c => Assert.Contains($"operator_store_errors_total operation={c.operation},provider={c.provider},reason={c.reason}", seen));
        Assert.All(ProviderBlocks.Names, p => Assert.Contains($"operator_store_requests_total operation=read_many,provider={p}", seen));
        Assert.All(ProviderBlocks.Names, p => Assert.Contains($"operator_store_request_duration_seconds operation=list,provider={p}", seen));
        Assert.DoesNotContain(seen, s => s.Contains("otel.metric.overflow", StringComparison.Ordinal));
    }

    [Fact]
    public void A_capped_instrument_folds_values_beyond_its_limit_while_integrations_keep_their_own_series()
    {
        for (var i = 0; i < MetricsEndpoint.OperatorCardinalityLimit * 2; i++)
        {
            metrics.RecordStoreCall($"provider-{i}", "read", TimeSpan.Zero, errorReason: null, integration: $"integration-{i}");
        }

        var seen = Collect();

        // The limit's points plus the overflow point that sums the rest.
        Assert.Contains(seen, s => s.StartsWith("operator_store_requests_total ", StringComparison.Ordinal) && s.Contains("otel.metric.overflow=True", StringComparison.Ordinal));
        Assert.InRange(seen.Count(s => s.StartsWith("operator_store_requests_total ", StringComparison.Ordinal)), MetricsEndpoint.OperatorCardinalityLimit / 2, MetricsEndpoint.OperatorCardinalityLimit + 1);
        Assert.All(Enumerable.Range(0, MetricsEndpoint.OperatorCardinalityLimit * 2), i => Assert.Contains(seen, s => s.StartsWith("secretgroup_store_calls_total ", StringComparison.Ordinal) && s.Contains($"integration=integration-{i},", StringComparison.Ordinal)));
    }

    private HashSet<string> Collect()
    {
        // The Prometheus exporter's reader only answers scrapes, so collect through this test's reader alone.
        Assert.True(reader.Collect());
        return points.Seen;
    }

    /// <summary>Each exported point as "name label=value,..." (labels in name order).</summary>
    private sealed class Points : BaseExporter<Metric>
    {
        public HashSet<string> Seen { get; } = [];

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    var tags = new List<string>();
                    foreach (var tag in point.Tags)
                    {
                        tags.Add($"{tag.Key}={tag.Value}");
                    }

                    tags.Sort(StringComparer.Ordinal);
                    Seen.Add($"{metric.Name} {string.Join(',', tags)}");
                }
            }

            return ExportResult.Success;
        }
    }

    private sealed class Leader : ILeaderStatus
    {
        public bool IsLeader => true;
    }
}
