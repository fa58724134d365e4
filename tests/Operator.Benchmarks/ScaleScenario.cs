using System.Diagnostics;
using System.Globalization;
using System.Text;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing;
using Operator.Testing.Kube;

namespace Operator.Benchmarks;

/// <summary>
/// The scale scenario (`--scale`, issue 21.4): N groups (one step per `--groups` value, K = the first `--keys` value)
/// spread round-robin over 5 integrations (an SSM fake each: zero latency, unlimited) and 500 namespaces, created while
/// the operator runs. Per step: time to all Ready, reconciles/s, the operator's API requests per group, its peak RSS and
/// heap, the integrations' projected monthly calls and how many integration status writes they took; then the slope per
/// 10,000 groups over the steps (least squares), so how cost grows with the work is one number each.
/// </summary>
internal static class ScaleScenario
{
    public const int Integrations = 5;
    public const int Namespaces = 500;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string NamespaceOf(int i) => $"team-{(i % Namespaces).ToString("D3", Inv)}";

    public static string IntegrationName(int j) => $"aws-ssm-{j.ToString(Inv)}";

    public static string FqnOf(int j) => Scenario.Fqn[..(Scenario.Fqn.LastIndexOf(':') + 1)] + IntegrationName(j);

    public static async Task<ScaleResult> RunAsync(BenchOptions o, int n, string operatorDll, string workDir, CancellationToken ct)
    {
        var k = o.Keys[0];
        var dir = Path.Combine(workDir, $"scale-n{n.ToString(Inv)}-k{k.ToString(Inv)}");
        Directory.CreateDirectory(dir);
        var secrets = await Scenario.WriteCredentialsAsync(dir, ct);
        var log = Path.Combine(dir, "operator.log");
        File.Delete(log);

        await using var kube = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { WatchHistoryLimit = 4_000_000 }, ct);
        var kubeconfig = Path.Combine(dir, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, kube.KubeconfigYaml(), ct);
        using var client = kube.CreateClient();
        await Operator.Manifests.CrdInstaller.InstallAsync(client, ct);
        await Parallel.ForEachAsync(Enumerable.Range(0, Math.Min(n, Namespaces)), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, c) =>
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = NamespaceOf(i) } }, cancellationToken: c));

        var groups = Enumerable.Range(0, n).Select(i => (Name: Scenario.GroupName(i + 1), Namespace: NamespaceOf(i), Integration: i % Integrations)).ToList();
        var fakes = new List<IAsyncDisposable>();
        var calls = new List<Func<int>>();
        try
        {
            var integrations = new ResourceClient<SecretStoreIntegration>(client);
            for (var j = 0; j < Integrations; j++)
            {
                var fake = await Scenario.StartStoreAsync(groups.Where(g => g.Integration == j).Select(g => g.Name), k, ct);
                fakes.Add(fake);
                calls.Add(() => fake.CallCount("GetParameters"));
                var integration = Scenario.Integration(fake.Url, limited: false, 0);
                integration.Metadata.Name = IntegrationName(j);
                await integrations.CreateAsync(integration, ct);
            }

            var clock = Stopwatch.StartNew();
            string[] args = ["--tenant=bench", "--leader-elect=false", $"--tfy-k8s-secrets-path={secrets}", .. o.OperatorArgs];
            using var op = OperatorProcess.Start(operatorDll, kubeconfig, log, args, environment: o.OperatorEnv);
            var memory = new MemorySampler(op);
            try
            {
                await Scenario.WaitAsync(() => ReadyIntegrations(integrations, ct) == Integrations, TimeSpan.FromMinutes(3), op, "the integrations Ready", ct);
                await using var watcher = new GroupWatcher(kube.BaseAddress, null, clock);
                var requestsAt = kube.Requests.Count;
                var t0 = clock.Elapsed;
                var groupsApi = new ResourceClient<SecretGroup>(client);
                await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (g, c) =>
                {
                    var group = Scenario.Group(g.Name, k, TimeSpan.FromHours(1));
                    group.Metadata.NamespaceProperty = g.Namespace;
                    group.Spec.IntegrationFqn = FqnOf(g.Integration);
                    await groupsApi.CreateAsync(group, c);
                });
                var createSeconds = (clock.Elapsed - t0).TotalSeconds;
                await Scenario.WaitAsync(() => watcher.ReadyCount >= n, TimeSpan.FromSeconds(Math.Max(600, n / 20.0)), op, $"{n} groups Ready (have {watcher.ReadyCount})", ct);
                var syncSeconds = (watcher.LastReadyAt - t0).TotalSeconds;
                var syncRequests = ApiRequests.ByVerb(kube.Requests.Skip(requestsAt).ToList());

                // Item 21.3 at scale: every group hourly, ceil(K/10) GetParameters a sync, 720 syncs in 30 days.
                var expected = (long)n * ((k + 9) / 10) * 720;
                var projectedAt = clock.Elapsed;
                await Scenario.WaitAsync(() => Projected(integrations, ct) == expected, TimeSpan.FromMinutes(3), op, $"projected monthly calls {expected}", ct);
                var all = ApiRequests.ByVerb(kube.Requests.Skip(requestsAt).ToList());
                var operatorRequests = syncRequests.Values.Sum() - n - syncRequests.GetValueOrDefault("watch secretgroups"); // the benchmark's creates and watch
                var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", ct)).Trim() : "";
                await memory.DisposeAsync();
                return new ScaleResult
                {
                    Groups = n,
                    Keys = k,
                    Namespaces = Math.Min(n, Namespaces),
                    Integrations = Integrations,
                    CreateSeconds = createSeconds,
                    AllReadySeconds = syncSeconds,
                    ReconcilesPerSecond = n / syncSeconds,
                    ApiRequestsPerGroup = operatorRequests / (double)n,
                    SyncApiRequests = syncRequests,
                    ProjectedMonthlyCalls = expected,
                    ProjectionSecondsAfterAllReady = (clock.Elapsed - projectedAt).TotalSeconds,
                    IntegrationStatusWrites = all.GetValueOrDefault("update secretstoreintegrations/status"),
                    PeakRssBytes = Math.Max(op.PeakRss() ?? 0, memory.PeakRssBytes),
                    PeakHeapBytes = memory.PeakHeapBytes,
                    StoreCalls = calls.Sum(c => c()),
                    LoadAverage = load,
                };
            }
            finally
            {
                await memory.DisposeAsync();
                op.Kill();
            }
        }
        finally
        {
            foreach (var fake in fakes)
            {
                await fake.DisposeAsync();
            }
        }
    }

    private static int ReadyIntegrations(ResourceClient<SecretStoreIntegration> api, CancellationToken ct) =>
        api.ListAsync(null, null, ct).GetAwaiter().GetResult().Count(i => Conditions.IsTrue(i.Status?.Conditions, "Ready"));

    private static long Projected(ResourceClient<SecretStoreIntegration> api, CancellationToken ct) =>
        api.ListAsync(null, null, ct).GetAwaiter().GetResult().Sum(i => i.Status?.ProjectedMonthlyCalls ?? 0);

    public static string Table(IReadOnlyList<ScaleResult> results)
    {
        var b = new StringBuilder();
        b.AppendLine("| groups (namespaces, integrations, K) | create s | to all Ready s | reconciles/s | operator API requests / group | store calls | projected calls/month (integration status writes) | peak RSS MiB | peak heap MiB | load average |");
        b.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            b.AppendLine(Inv, $"| {r.Groups} ({r.Namespaces}, {r.Integrations}, {r.Keys}) | {r.CreateSeconds:F1} | {r.AllReadySeconds:F1} | {r.ReconcilesPerSecond:F0} | {r.ApiRequestsPerGroup:F2} | {r.StoreCalls} | {r.ProjectedMonthlyCalls} ({r.IntegrationStatusWrites}) | {r.PeakRssBytes / 1048576.0:F0} | {r.PeakHeapBytes / 1048576.0:F0} | {r.LoadAverage} |");
        }

        if (results.Count >= 2)
        {
            double Slope(Func<ScaleResult, double> y) => LeastSquaresSlope(results.Select(r => ((double)r.Groups, y(r))).ToList()) * 10_000;
            b.AppendLine();
            b.AppendLine(Inv, $"Slope per 10,000 groups (least squares over {results.Count} steps): to all Ready {Slope(r => r.AllReadySeconds):+0.0;-0.0} s, peak RSS {Slope(r => r.PeakRssBytes / 1048576.0):+0;-0} MiB, peak heap {Slope(r => r.PeakHeapBytes / 1048576.0):+0;-0} MiB, API requests per group {Slope(r => r.ApiRequestsPerGroup):+0.00;-0.00}, reconciles/s {Slope(r => r.ReconcilesPerSecond):+0;-0}.");
        }

        return b.ToString();
    }

    private static double LeastSquaresSlope(IReadOnlyList<(double X, double Y)> points)
    {
        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        return sxx == 0 ? 0 : points.Sum(p => (p.X - mx) * (p.Y - my)) / sxx;
    }
}

/// <summary>One step of the scale scenario (written to results.json as is).</summary>
internal sealed record ScaleResult
{
    public required int Groups { get; init; }
    public required int Keys { get; init; }
    public required int Namespaces { get; init; }
    public required int Integrations { get; init; }
    public required double CreateSeconds { get; init; }
    public required double AllReadySeconds { get; init; }
    public required double ReconcilesPerSecond { get; init; }
    public required double ApiRequestsPerGroup { get; init; }
    public required SortedDictionary<string, int> SyncApiRequests { get; init; }
    public required long ProjectedMonthlyCalls { get; init; }
    public required double ProjectionSecondsAfterAllReady { get; init; }
    public required int IntegrationStatusWrites { get; init; }
    public required long PeakRssBytes { get; init; }
    public required long PeakHeapBytes { get; init; }
    public required long StoreCalls { get; init; }
    public required string LoadAverage { get; init; }
}
