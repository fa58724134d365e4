using System.Diagnostics.Metrics;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Observability;

/// <summary>
/// The operator's own instruments on meter <see cref="MeterName"/> (the runtime's are on <see cref="RuntimeMetrics.MeterName"/>).
/// Labels are bounded: provider, operation, reason, integration (admin-created, cluster-scoped), and a namespace only
/// through <see cref="NamespaceLabels"/> (at most 20 plus <c>other</c>); never a group, key, path or value.
/// </summary>
public sealed class OperatorMetrics : IDisposable
{
    public const string MeterName = "Operator";

    /// <summary>Bucket boundaries, in seconds, for every duration histogram the exporter publishes.</summary>
    public static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>Bucket boundaries of <c>secretgroup_store_calls_per_sync</c> (one batched read is 1 call per 10 SSM keys).</summary>
    public static readonly double[] CallsPerSyncBuckets = [0, 1, 2, 3, 5, 10, 20, 50, 100];

    private readonly Meter meter;
    private readonly Counter<long> storeRequests;
    private readonly Counter<long> storeErrors;
    private readonly Histogram<double> storeDuration;
    private readonly Counter<long> storeCalls;
    private readonly Histogram<long> callsPerSync;
    private readonly Counter<long> sharedReads;
    private readonly Counter<long> sharedReadEvictions;
    private readonly NamespaceLabels namespaces = new();

    public OperatorMetrics(IMeterFactory meterFactory, IResourceCache<V1Secret> managedSecrets, ILeaderStatus leader, IResourceCache<SecretGroup> groups, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        meter = meterFactory.Create(MeterName);
        storeRequests = meter.CreateCounter<long>("operator_store_requests_total", description: "Calls to external secret stores by provider and operation.");
        storeErrors = meter.CreateCounter<long>("operator_store_errors_total", description: "Failed store calls by provider, operation and reason.");
        storeDuration = meter.CreateHistogram<double>("operator_store_request_duration_seconds", unit: "s", description: "Store call latency by provider and operation.");
        storeCalls = meter.CreateCounter<long>("secretgroup_store_calls_total", description: "Store calls by integration and namespace (the first 20 namespaces seen by name, the rest as 'other'; '-' for the integration's own checks): what each team's groups cost.");
        callsPerSync = meter.CreateHistogram<long>("secretgroup_store_calls_per_sync", description: "Store calls one group's sync made, by integration.");
        sharedReads = meter.CreateCounter<long>("secretgroup_shared_reads_total", description: "Values syncs asked the shared reads for, by result: hit (read within the window), coalesced (waited for another sync's read), miss (read from the store).");
        sharedReadEvictions = meter.CreateCounter<long>("secretgroup_shared_read_evictions_total", description: "Values the shared reads dropped, by reason: expired (older than the window), capacity (entry or byte cap), invalidated (written, or the client replaced).");
        meter.CreateObservableGauge("operator_managed_secrets", () => managedSecrets.Count, description: "Kubernetes Secrets managed by SecretGroups (as cached by this replica).");
        meter.CreateObservableGauge("operator_leader", () => leader.IsLeader ? 1 : 0, description: "1 while this replica holds the leader-election Lease, else 0.");
        meter.CreateObservableGauge(
            "operator_last_sync_age_seconds",
            () => OldestSyncAge(groups, time),
            unit: "s",
            description: "Seconds since the last successful sync of the least recently synced group (0 when none).");
    }

    /// <summary>Counts one store call and its latency; <paramref name="errorReason"/> is null on success. The call is
    /// charged to <paramref name="integration"/> and to the namespace of the sync it is made for (<see cref="StoreCallScope"/>).</summary>
    public void RecordStoreCall(string provider, string operation, TimeSpan duration, string? errorReason, string integration = "")
    {
        var scope = StoreCallScope.Current;
        scope?.Count();
        storeCalls.Add(1, new KeyValuePair<string, object?>("integration", integration), new KeyValuePair<string, object?>("namespace", namespaces.For(scope?.Namespace)));
        var providerTag = new KeyValuePair<string, object?>("provider", provider);
        var operationTag = new KeyValuePair<string, object?>("operation", operation);
        storeRequests.Add(1, providerTag, operationTag);
        storeDuration.Record(duration.TotalSeconds, providerTag, operationTag);
        if (errorReason is not null)
        {
            storeErrors.Add(1, providerTag, operationTag, new KeyValuePair<string, object?>("reason", errorReason));
        }
    }

    /// <summary>Records how many store calls one group's sync made.</summary>
    public void RecordCallsPerSync(string integration, int calls) =>
        callsPerSync.Record(calls, new KeyValuePair<string, object?>("integration", integration));

    /// <summary>Counts what the shared reads answered from: kept values, another sync's read, or the store.</summary>
    public void RecordSharedReads(int hits, int coalesced, int misses)
    {
        Add(sharedReads, hits, "result", "hit");
        Add(sharedReads, coalesced, "result", "coalesced");
        Add(sharedReads, misses, "result", "miss");
    }

    /// <summary>Counts values the shared reads dropped for <paramref name="reason"/> (expired, capacity, invalidated).</summary>
    public void RecordSharedReadEvictions(string reason, int count) => Add(sharedReadEvictions, count, "reason", reason);

    /// <summary>Publishes how many values and bytes the shared reads keep.</summary>
    public void ObserveSharedReads(Func<int> entries, Func<long> bytes)
    {
        meter.CreateObservableGauge("secretgroup_shared_read_entries", entries, description: "Values the shared reads keep.");
        meter.CreateObservableGauge("secretgroup_shared_read_bytes", bytes, unit: "By", description: "Bytes the shared reads keep (values, key text and bookkeeping).");
    }

    public void Dispose() => meter.Dispose();

    private static void Add(Counter<long> counter, int count, string label, string value)
    {
        if (count > 0)
        {
            counter.Add(count, new KeyValuePair<string, object?>(label, value));
        }
    }

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
