using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing;
using Operator.Testing.Kube;

namespace Operator.Benchmarks;

/// <summary>
/// First syncs during a refresh wave (`--first-syncs`): N groups synced against a zero-latency store, then the store
/// turns to 10 ms / 40 TPS and the integration's rateLimit to qps=40, a spec change that makes every group due (a wave
/// of N store reads, N/40 s). When half the wave is read, M new groups are created, one per spacing; each one's time
/// from its create to Ready=True is recorded. Run once per binary (this build, and `--baseline-dll`, e.g. a build
/// with one FIFO queue), one after the other on the same machine, so the ratio holds whatever the load.
/// </summary>
internal static class FirstSyncScenario
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<FirstSyncResult> RunAsync(BenchOptions o, string label, string operatorDll, string workDir, CancellationToken ct)
    {
        var n = o.Groups[0];
        var k = o.Keys[0];
        var dir = Path.Combine(workDir, $"first-syncs-{label}");
        Directory.CreateDirectory(dir);
        var secrets = await Scenario.WriteCredentialsAsync(dir, ct);
        var log = Path.Combine(dir, "operator.log");
        File.Delete(log);

        await using var kube = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { WatchHistoryLimit = 2_000_000 }, ct);
        var kubeconfig = Path.Combine(dir, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, kube.KubeconfigYaml(), ct);
        using var client = kube.CreateClient();
        await Operator.Hosting.CrdInstaller.InstallAsync(client, ct);
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Scenario.Namespace } }, cancellationToken: ct);
        var names = Enumerable.Range(1, n + o.NewGroups).Select(Scenario.GroupName).ToList();
        await using var fake = await Scenario.StartStoreAsync(names, k, ct);

        var integrations = new ResourceClient<SecretStoreIntegration>(client);
        await integrations.CreateAsync(Scenario.Integration(fake.Url, limited: false, 0), ct);
        var clock = Stopwatch.StartNew();
        string[] args = ["--tenant=bench", "--leader-elect=false", $"--tfy-k8s-secrets-path={secrets}", .. o.OperatorArgs];
        using var op = OperatorProcess.Start(operatorDll, kubeconfig, log, args, environment: o.OperatorEnv);
        try
        {
            await Scenario.WaitForIntegrationAsync(client, op, ct);
            await using var watcher = new GroupWatcher(kube.BaseAddress, Scenario.Namespace, clock);
            var groups = new ResourceClient<SecretGroup>(client);
            var refresh = TimeSpan.FromHours(1);
            await Parallel.ForEachAsync(names.Take(n), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (g, c) =>
                await groups.CreateAsync(Scenario.Group(g, k, refresh), c));
            await Scenario.WaitAsync(() => watcher.ReadyCount >= n, TimeSpan.FromSeconds(Math.Max(300, n / 10.0)), op, $"{n} groups Ready", ct);

            // The wave: a slower store and a spec change of the integration, which every group's sync depends on.
            fake.AddLatency(o.Latency);
            fake.ThrottleAtTps(o.Tps);
            var callsAt = fake.TotalCalls;
            var patch = KubernetesJson.Serialize(new { spec = new { rateLimit = new { qps = o.Tps, burst = Math.Max(1, (int)o.Tps) } } });
            var waveStart = clock.Elapsed;
            await integrations.PatchAsync(new ObjectKey(null, Scenario.IntegrationName), new V1Patch(patch, V1Patch.PatchType.MergePatch), ct);
            var waveSeconds = n / o.Tps;
            await Scenario.WaitAsync(() => fake.TotalCalls - callsAt >= n / 2, TimeSpan.FromSeconds(Math.Max(300, 4 * waveSeconds)), op, "half the wave read", ct);
            var halfAt = clock.Elapsed;

            // M new groups, one per spacing, while the other half of the wave is still queued.
            var created = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
            foreach (var g in names.Skip(n))
            {
                created[g] = clock.Elapsed;
                await groups.CreateAsync(Scenario.Group(g, k, refresh), ct);
                await Task.Delay(o.NewGroupSpacing, ct);
            }

            var newNames = names.Skip(n).ToList();
            await Scenario.WaitAsync(() => newNames.All(g => watcher.ReadyAt(g) is not null), TimeSpan.FromSeconds(Math.Max(300, 4 * waveSeconds)), op, "the new groups Ready", ct);
            var waits = newNames.Select(g => (watcher.ReadyAt(g)!.Value - created[g]).TotalSeconds).Order().ToList();
            var waveReadAtLastReady = fake.TotalCalls - callsAt;
            return new FirstSyncResult
            {
                Binary = label,
                OperatorDll = operatorDll,
                WaveGroups = n,
                Keys = k,
                StoreTps = o.Tps,
                LatencyMs = o.Latency.TotalMilliseconds,
                NewGroups = o.NewGroups,
                NewGroupSpacingMs = o.NewGroupSpacing.TotalMilliseconds,
                WaveFloorSeconds = waveSeconds,
                HalfWaveAfterSeconds = (halfAt - waveStart).TotalSeconds,
                NewReadyP50Seconds = Percentile(waits, 0.50),
                NewReadyP99Seconds = Percentile(waits, 0.99),
                NewReadyMaxSeconds = waits[^1],
                StoreCallsWhenLastNewReady = waveReadAtLastReady,
                LoadAverage = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", ct)).Trim() : "",
            };
        }
        finally
        {
            op.Kill();
        }
    }

    public static string Table(IReadOnlyList<FirstSyncResult> results)
    {
        var b = new System.Text.StringBuilder();
        b.AppendLine("| binary | wave (groups, floor s) | new groups (spacing ms) | new → Ready p50 s | p99 s | max s | store calls of the wave done when the last new group was Ready | load average |");
        b.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            b.AppendLine(Inv, $"| {r.Binary} | {r.WaveGroups} ({r.WaveFloorSeconds:F0}) | {r.NewGroups} ({r.NewGroupSpacingMs:F0}) | {r.NewReadyP50Seconds:F2} | {r.NewReadyP99Seconds:F2} | {r.NewReadyMaxSeconds:F2} | {r.StoreCallsWhenLastNewReady} | {r.LoadAverage} |");
        }

        return b.ToString();
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>What one binary did in the first-syncs scenario (written to results.json as is).</summary>
internal sealed record FirstSyncResult
{
    public required string Binary { get; init; }
    public required string OperatorDll { get; init; }
    public required int WaveGroups { get; init; }
    public required int Keys { get; init; }
    public required double StoreTps { get; init; }
    public required double LatencyMs { get; init; }
    public required int NewGroups { get; init; }
    public required double NewGroupSpacingMs { get; init; }
    public required double WaveFloorSeconds { get; init; }
    public required double HalfWaveAfterSeconds { get; init; }
    public required double NewReadyP50Seconds { get; init; }
    public required double NewReadyP99Seconds { get; init; }
    public required double NewReadyMaxSeconds { get; init; }
    public required long StoreCallsWhenLastNewReady { get; init; }
    public required string LoadAverage { get; init; }
}
