using System.Globalization;

namespace Operator.Benchmarks;

/// <summary>What to run: scenario sizes, store behaviour and phase lengths, from the command line.</summary>
internal sealed record BenchOptions
{
    public IReadOnlyList<int> Groups { get; init; } = [1_000];

    public IReadOnlyList<int> Keys { get; init; } = [5, 10];

    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(10);

    public double Tps { get; init; } = 40;

    /// <summary>Also run each size against a zero-latency, unlimited store (reconcile throughput).</summary>
    public bool Throughput { get; init; } = true;

    /// <summary>Run the latency/TPS-limited scenarios (off: throughput only, e.g. memory at 10,000 groups quickly).</summary>
    public bool Limited { get; init; } = true;

    /// <summary>Extra arguments for the operator process (e.g. <c>--workers=8</c>).</summary>
    public IReadOnlyList<string> OperatorArgs { get; init; } = [];

    /// <summary>Environment variables for the operator process only (e.g. <c>DOTNET_GCHeapHardLimit=0xC000000</c>).</summary>
    public IReadOnlyDictionary<string, string> OperatorEnv { get; init; } = new Dictionary<string, string>();

    /// <summary>How long to count store calls after the operator restarts (the target says one minute).</summary>
    public TimeSpan RestartWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Groups' refreshInterval; null = long enough that groups are still fresh after the restart window.</summary>
    public TimeSpan? Refresh { get; init; }

    /// <summary>Groups read key by key by the per-key comparison client; the rest is extrapolated linearly.</summary>
    public int PerKeyGroups { get; init; } = 100;

    /// <summary>After every group is Ready, keep the operator running this long (for dotnet-gcdump / dotnet-counters).</summary>
    public TimeSpan ProfilePause { get; init; }

    public string Output { get; init; } = "artifacts/bench/results.json";

    /// <summary>Run only the first-syncs scenario (new groups during a refresh wave), see FirstSyncScenario.</summary>
    public bool FirstSyncs { get; init; }

    /// <summary>Groups created in the middle of the wave.</summary>
    public int NewGroups { get; init; } = 100;

    /// <summary>Time between two of those creates.</summary>
    public TimeSpan NewGroupSpacing { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A second operator binary run through the same scenario first (e.g. a build with one FIFO queue).</summary>
    public string? BaselineDll { get; init; }

    public string? OperatorDll { get; init; }

    /// <summary>Run only the shared-reads scenario (groups sharing values, shared reads off then on), see SharedReadScenario.</summary>
    public bool Shared { get; init; }

    /// <summary>Values every group of the shared-reads scenario references.</summary>
    public int SharedValues { get; init; } = 50;

    /// <summary>Run only the scale scenario (5 integrations, 500 namespaces, one step per <see cref="Groups"/> value), see ScaleScenario.</summary>
    public bool Scale { get; init; }

    /// <summary>Builds/environments measured side by side, each scenario once per variant (none: this build only).</summary>
    public IReadOnlyList<OperatorVariant> Variants { get; init; } = [];

    /// <summary>After every group is Ready, how long to sample the idle operator for its steady RSS and heap.</summary>
    public TimeSpan SteadyWindow { get; init; } = TimeSpan.FromSeconds(30);

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var (name, value) = args[i].Contains('=', StringComparison.Ordinal)
                ? (args[i][..args[i].IndexOf('=', StringComparison.Ordinal)], args[i][(args[i].IndexOf('=', StringComparison.Ordinal) + 1)..])
                : (args[i], i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "");
            o = name switch
            {
                "--groups" => o with { Groups = Ints(value) },
                "--keys" => o with { Keys = Ints(value) },
                "--latency-ms" => o with { Latency = TimeSpan.FromMilliseconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--tps" => o with { Tps = double.Parse(value, CultureInfo.InvariantCulture) },
                "--no-throughput" => o with { Throughput = false },
                "--no-limited" => o with { Limited = false },
                "--operator-arg" => o with { OperatorArgs = [.. o.OperatorArgs, value] },
                "--operator-env" => o with { OperatorEnv = new Dictionary<string, string>(o.OperatorEnv) { [value.Split('=', 2)[0]] = value.Split('=', 2).ElementAtOrDefault(1) ?? "" } },
                "--restart-window-s" => o with { RestartWindow = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--refresh-s" => o with { Refresh = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--per-key-groups" => o with { PerKeyGroups = int.Parse(value, CultureInfo.InvariantCulture) },
                "--profile-pause-s" => o with { ProfilePause = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--output" => o with { Output = value },
                "--first-syncs" => o with { FirstSyncs = true },
                "--scale" => o with { Scale = true },
                "--new-groups" => o with { NewGroups = int.Parse(value, CultureInfo.InvariantCulture) },
                "--new-group-spacing-ms" => o with { NewGroupSpacing = TimeSpan.FromMilliseconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--baseline-dll" => o with { BaselineDll = value },
                "--operator-dll" => o with { OperatorDll = value },
                "--shared" => o with { Shared = true },
                "--shared-values" => o with { SharedValues = int.Parse(value, CultureInfo.InvariantCulture) },
                "--variant" => o with { Variants = [.. o.Variants, OperatorVariant.Parse(value)] },
                "--steady-s" => o with { SteadyWindow = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--large" => o with { Groups = [1_000, 10_000] },
                "--quick" => o with { Groups = [200], Keys = [10], RestartWindow = TimeSpan.FromSeconds(15), PerKeyGroups = 50 },
                _ => throw new ArgumentException($"unknown option '{name}'; see tests/Operator.Benchmarks/README.md"),
            };
        }

        return o;
    }

    private static int[] Ints(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => int.Parse(v.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)).ToArray();
}
