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
/// Shared reads (`--shared`, issue 20.6): N groups (`--groups`, first value) each reference the same M store values
/// (`--shared-values`) through `&lt;fqn&gt;::/shared/VALUE_i` path references. Per operator setting (shared reads off, then
/// on, in one run): all groups synced once (a first sync reads for itself), then store calls counted over one refresh
/// interval, until every group has refreshed once. Zero-latency, unlimited store, so the count is the operator's choice.
/// </summary>
internal static class SharedReadScenario
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string ValuePath(int i) => $"/shared/VALUE_{i.ToString("D3", Inv)}";

    public static async Task<SharedReadResult> RunAsync(BenchOptions o, bool sharedReads, string operatorDll, string workDir, CancellationToken ct)
    {
        var n = o.Groups[0];
        var m = o.SharedValues;
        var refresh = o.Refresh ?? TimeSpan.FromSeconds(60);
        var dir = Path.Combine(workDir, $"shared-{(sharedReads ? "on" : "off")}");
        Directory.CreateDirectory(dir);
        var secrets = await Scenario.WriteCredentialsAsync(dir, ct);
        var log = Path.Combine(dir, "operator.log");
        File.Delete(log);

        await using var kube = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { WatchHistoryLimit = 2_000_000 }, ct);
        var kubeconfig = Path.Combine(dir, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, kube.KubeconfigYaml(), ct);
        using var client = kube.CreateClient();
        await Operator.Manifests.CrdInstaller.InstallAsync(client, ct);
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Scenario.Namespace } }, cancellationToken: ct);
        await using var fake = await Scenario.StartStoreAsync([], 0, ct); // the same store fake as every scenario, empty
        for (var i = 1; i <= m; i++)
        {
            fake.Seed(ValuePath(i), $"shared-value-{i}");
        }

        var integration = Scenario.Integration(fake.Url, limited: false, 0);
        integration.Spec.Access = new IntegrationAccessSpec { AllowPathReferences = true };
        await new ResourceClient<SecretStoreIntegration>(client).CreateAsync(integration, ct);
        var clock = Stopwatch.StartNew();
        string[] args = ["--tenant=bench", "--leader-elect=false", $"--tfy-k8s-secrets-path={secrets}", $"--shared-reads={(sharedReads ? "true" : "false")}", .. o.OperatorArgs];
        using var op = OperatorProcess.Start(operatorDll, kubeconfig, log, args, environment: o.OperatorEnv);
        try
        {
            await Scenario.WaitForIntegrationAsync(client, op, ct);
            await using var watcher = new GroupWatcher(kube.BaseAddress, Scenario.Namespace, clock);
            var groups = new ResourceClient<SecretGroup>(client);
            var names = Enumerable.Range(1, n).Select(Scenario.GroupName).ToList();
            var callsAt = fake.CallCount("GetParameters");
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (g, c) =>
                await groups.CreateAsync(Group(g, m, refresh), c));
            var timeout = TimeSpan.FromSeconds(Math.Max(300, n / 5.0));
            await Scenario.WaitAsync(() => watcher.ReadyCount >= n, timeout, op, $"{n} groups Ready (have {watcher.ReadyCount})", ct);
            var firstSyncCalls = fake.CallCount("GetParameters") - callsAt;

            // One interval: from now until every group has refreshed once.
            var firstSyncs = watcher.LastSyncTimes();
            callsAt = fake.CallCount("GetParameters");
            var from = clock.Elapsed;
            await Scenario.WaitAsync(() => Refreshed(watcher, firstSyncs) >= n, refresh + timeout, op, $"{n} groups refreshed (have {Refreshed(watcher, firstSyncs)})", ct);
            var intervalCalls = fake.CallCount("GetParameters") - callsAt;
            return new SharedReadResult
            {
                SharedReads = sharedReads,
                Groups = n,
                SharedValues = m,
                RefreshSeconds = refresh.TotalSeconds,
                FloorPerInterval = (long)Math.Ceiling(m / 10.0),
                WithoutSharingPerInterval = (long)n * (long)Math.Ceiling(m / 10.0),
                FirstSyncCalls = firstSyncCalls,
                IntervalCalls = intervalCalls,
                IntervalSeconds = (clock.Elapsed - from).TotalSeconds,
                LoadAverage = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", ct)).Trim() : "",
            };
        }
        finally
        {
            op.Kill();
        }
    }

    public static string Table(IReadOnlyList<SharedReadResult> results)
    {
        var b = new System.Text.StringBuilder();
        b.AppendLine("| shared reads | groups × shared values | GetParameters in one refresh interval (floor ceil(M/10) / N × ceil(M/10)) | first syncs (each reads for itself) | interval s | load average |");
        b.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            b.AppendLine(Inv, $"| {(r.SharedReads ? "on" : "off")} | {r.Groups} × {r.SharedValues} | {r.IntervalCalls} ({r.FloorPerInterval} / {r.WithoutSharingPerInterval}) | {r.FirstSyncCalls} | {r.IntervalSeconds:F1} | {r.LoadAverage} |");
        }

        if (results.Count == 2 && results.All(r => r.IntervalCalls > 0))
        {
            var off = results.Single(r => !r.SharedReads).IntervalCalls;
            var on = results.Single(r => r.SharedReads).IntervalCalls;
            b.AppendLine(Inv, $"\nstore calls per interval, off ÷ on: {(double)off / on:F1}×");
        }

        return b.ToString();
    }

    private static SecretGroup Group(string name, int values, TimeSpan refresh) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Scenario.Namespace },
        Spec = new SecretGroupSpec
        {
            IntegrationFqn = Scenario.Fqn,
            RefreshInterval = $"{(int)Math.Ceiling(refresh.TotalSeconds)}s",
            Secrets = Enumerable.Range(1, values).Select(i => new SecretKeySpec { Key = $"VALUE_{i.ToString("D3", Inv)}", RemoteRef = $"{Scenario.Fqn}::{ValuePath(i)}" }).ToList(),
        },
    };

    private static int Refreshed(GroupWatcher watcher, Dictionary<string, string> firstSyncs) =>
        watcher.LastSyncTimes().Count(p => firstSyncs.TryGetValue(p.Key, out var was) && was != p.Value);
}

/// <summary>What one operator setting did in the shared-reads scenario (written to results.json as is).</summary>
internal sealed record SharedReadResult
{
    public required bool SharedReads { get; init; }
    public required int Groups { get; init; }
    public required int SharedValues { get; init; }
    public required double RefreshSeconds { get; init; }
    public required long FloorPerInterval { get; init; }
    public required long WithoutSharingPerInterval { get; init; }
    public required long FirstSyncCalls { get; init; }
    public required long IntervalCalls { get; init; }
    public required double IntervalSeconds { get; init; }
    public required string LoadAverage { get; init; }
}
