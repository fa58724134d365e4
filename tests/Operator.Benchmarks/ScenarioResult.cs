namespace Operator.Benchmarks;

/// <summary>Everything measured in one scenario (written to results.json as is).</summary>
internal sealed record ScenarioResult
{
    public required string Name { get; init; }
    /// <summary>The operator build/environment measured (<c>--variant</c>); "this build" by default.</summary>
    public string Variant { get; init; } = OperatorVariant.Default.Label;
    public required int Groups { get; init; }
    public required int Keys { get; init; }
    public required double LatencyMs { get; init; }
    /// <summary>The fake's TPS limit; 0 = unlimited.</summary>
    public required double StoreTps { get; init; }
    public required string OperatorRateLimit { get; init; }
    public required long FloorCalls { get; init; }
    public required long PerKeyCalls { get; init; }
    public required double FloorSeconds { get; init; }

    public double CreateSeconds { get; set; }
    public double SyncSeconds { get; set; }
    public long SyncGroupReads { get; set; }
    public SortedDictionary<string, int> SyncStoreCalls { get; set; } = [];
    public long SyncFakeThrottled { get; set; }
    public int ThrottledGroups { get; set; }
    public IReadOnlyDictionary<string, int> NotReadyReasons { get; set; } = new Dictionary<string, int>();
    public double ReconcilesPerSecond { get; set; }
    public SortedDictionary<string, int> SyncApiRequests { get; set; } = [];

    public double? RefreshSeconds { get; set; }
    public double? RestartWindowSeconds { get; set; }
    public SortedDictionary<string, int>? RestartStoreCalls { get; set; }
    public SortedDictionary<string, int>? RestartApiRequests { get; set; }
    public double? UnchangedPassSeconds { get; set; }
    public SortedDictionary<string, int>? UnchangedStoreCalls { get; set; }
    public int? UnchangedSecretWrites { get; set; }
    public SortedDictionary<string, int>? UnchangedApiRequests { get; set; }

    public long PeakRssBytes { get; set; }
    public long? PeakRssAfterRestartBytes { get; set; }
    /// <summary>Peak RSS of the restarted process by the end of the restart window: its initial lists, before the unchanged pass.</summary>
    public long? PeakRssRestartWindowBytes { get; set; }
    public long PeakHeapBytes { get; set; }
    public long PeakGcCommittedBytes { get; set; }
    /// <summary>Median RSS of the idle operator over the steady window after every group is Ready.</summary>
    public long SteadyRssBytes { get; set; }
    /// <summary>Median managed heap (after GCs) over the same window.</summary>
    public long SteadyHeapBytes { get; set; }
    /// <summary>Steady managed heap ÷ groups.</summary>
    public double HeapBytesPerGroup => Groups == 0 ? 0 : SteadyHeapBytes / (double)Groups;

    public int PerKeySampleGroups { get; set; }
    public long PerKeySampleCalls { get; set; }
    public long PerKeySampleThrottled { get; set; }
    public double PerKeySampleSeconds { get; set; }
    public double PerKeyExtrapolatedSeconds { get; set; }

    public List<string> Notes { get; } = [];
}
