using System.Diagnostics.Metrics;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Observability;

/// <summary>
/// The operator's own instruments on meter <see cref="MeterName"/> (the runtime's are on <see cref="RuntimeMetrics.MeterName"/>).
/// Labels are bounded: provider, operation, reason; never a group, namespace, path or value.
/// </summary>
public sealed class OperatorMetrics : IDisposable
{
    public const string MeterName = "Operator";

    /// <summary>Bucket boundaries, in seconds, for every duration histogram the exporter publishes.</summary>
    public static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Meter meter;
    private readonly Counter<long> storeRequests;
    private readonly Counter<long> storeErrors;
    private readonly Histogram<double> storeDuration;

    public OperatorMetrics(IMeterFactory meterFactory, IResourceCache<V1Secret> managedSecrets, ILeaderStatus leader, IResourceCache<SecretGroup> groups, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        meter = meterFactory.Create(MeterName);
        storeRequests = meter.CreateCounter<long>("operator_store_requests_total", description: "Calls to external secret stores by provider and operation.");
        storeErrors = meter.CreateCounter<long>("operator_store_errors_total", description: "Failed store calls by provider, operation and reason.");
        storeDuration = meter.CreateHistogram<double>("operator_store_request_duration_seconds", unit: "s", description: "Store call latency by provider and operation.");
        meter.CreateObservableGauge("operator_managed_secrets", () => managedSecrets.Count, description: "Kubernetes Secrets managed by SecretGroups (as cached by this replica).");
        meter.CreateObservableGauge("operator_leader", () => leader.IsLeader ? 1 : 0, description: "1 while this replica holds the leader-election Lease, else 0.");
        meter.CreateObservableGauge(
            "operator_last_sync_age_seconds",
            () => OldestSyncAge(groups, time),
            unit: "s",
            description: "Seconds since the last successful sync of the least recently synced group (0 when none).");
    }

    /// <summary>Counts one store call and its latency; <paramref name="errorReason"/> is null on success.</summary>
    public void RecordStoreCall(string provider, string operation, TimeSpan duration, string? errorReason)
    {
        var providerTag = new KeyValuePair<string, object?>("provider", provider);
        var operationTag = new KeyValuePair<string, object?>("operation", operation);
        storeRequests.Add(1, providerTag, operationTag);
        storeDuration.Record(duration.TotalSeconds, providerTag, operationTag);
        if (errorReason is not null)
        {
            storeErrors.Add(1, providerTag, operationTag, new KeyValuePair<string, object?>("reason", errorReason));
        }
    }

    public void Dispose() => meter.Dispose();

    /// <summary>From the groups' status (the record of their last sync), so every replica reports the same age.</summary>
    private static double OldestSyncAge(IResourceCache<SecretGroup> groups, TimeProvider time)
    {
        DateTime? oldest = null;
        foreach (var group in groups.List())
        {
            if (group.Status?.LastSyncTime is { } at && (oldest is null || at < oldest))
            {
                oldest = at;
            }
        }

        return oldest is null ? 0 : Math.Max(0, (time.GetUtcNow().UtcDateTime - DateTime.SpecifyKind(oldest.Value, DateTimeKind.Utc)).TotalSeconds);
    }
}
