using Operator.Manifests;
using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Hosting;
using Operator.Runtime;
using Operator.Testing;
using Operator.Testing.Kube;
using Operator.Testing.Stores.Aws;

namespace Operator.Benchmarks;

/// <summary>One scenario: emulator and SSM fake here, the operator in its own process, N groups of K keys.</summary>
internal static class Scenario
{
    public const string Namespace = "bench";
    internal const string IntegrationName = "aws-ssm";
    internal const string Fqn = "bench:aws:bench-aws:secret-store:aws-ssm";
    private const int OperatorWorkers = 4; // OperatorOptions.Workers default

    public static string GroupName(int i) => $"g{i.ToString("D5", CultureInfo.InvariantCulture)}";

    public static string KeyName(int k) => $"KEY_{k.ToString("D2", CultureInfo.InvariantCulture)}";

    public static string ParameterName(string group, int key) => $"/tfy-secret/bench/{group}/{KeyName(key)}";

    public static async Task<ScenarioResult> RunAsync(BenchOptions o, int n, int k, bool limited, OperatorVariant variant, string operatorDll, string workDir, CancellationToken ct)
    {
        var env = variant.EnvironmentOver(o.OperatorEnv);
        var labelled = o.Variants.Count > 0 ? $" [{variant.Label}]" : "";
        var tps = limited ? o.Tps : 0;
        var floor = (long)n * (long)Math.Ceiling(k / 10.0);
        var floorSeconds = tps > 0 ? floor / tps : 0;
        // Limited: long enough that the first-synced group is still fresh when the restart window ends (sync ≈ the floor
        // time). Throughput scenarios have no later phase: an hour, so no refresh falls into the counted sync (it did at
        // 90 s: a 313 s sync under load counted 10,746 reads for 10,000 groups, the extra ones refreshes, not re-syncs).
        var refresh = o.Refresh ?? (limited
            ? TimeSpan.FromSeconds(Math.Max(30, Math.Ceiling((1.3 * floorSeconds) + o.RestartWindow.TotalSeconds + 30)))
            : TimeSpan.FromHours(1));
        var r = new ScenarioResult
        {
            Name = (limited ? $"N={n} K={k} {o.Latency.TotalMilliseconds}ms {tps}TPS" : $"N={n} K={k} 0ms unlimited") + labelled,
            Variant = variant.Label,
            Groups = n,
            Keys = k,
            LatencyMs = limited ? o.Latency.TotalMilliseconds : 0,
            StoreTps = tps,

            // qps = the fake's limit, so the store's 40 TPS is what binds and the operator never goes over it.
            OperatorRateLimit = limited ? $"qps={tps} burst={(int)tps}" : "qps=10000 burst=10000",
            FloorCalls = floor,
            PerKeyCalls = (long)n * k,
            FloorSeconds = floorSeconds,
        };
        var slug = $"n{n}-k{k}-{(limited ? "limited" : "unlimited")}" + (o.Variants.Count > 0 ? "-" + string.Concat(variant.Label.Select(c => char.IsLetterOrDigit(c) ? c : '-')) : "");
        var dir = Path.Combine(workDir, slug);
        Directory.CreateDirectory(dir);
        var secrets = Path.Combine(dir, "tfy-k8s-secrets");
        Directory.CreateDirectory(secrets);
        await File.WriteAllTextAsync(Path.Combine(secrets, "AWS_ACCESS_KEY_ID"), SsmFake.DefaultAccessKeyId, ct);
        await File.WriteAllTextAsync(Path.Combine(secrets, "AWS_SECRET_ACCESS_KEY"), SsmFake.DefaultSecretAccessKey, ct);
        var log = Path.Combine(dir, "operator.log");
        File.Delete(log);

        await using var kube = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { WatchHistoryLimit = 2_000_000 }, ct);
        var kubeconfig = Path.Combine(dir, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, kube.KubeconfigYaml(), ct);
        using var client = kube.CreateClient();
        await CrdInstaller.InstallAsync(client, ct);
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: ct);
        await using var fake = await SsmFake.StartAsync(cancellationToken: ct);
        var groups = Enumerable.Range(1, n).Select(GroupName).ToList();
        foreach (var g in groups)
        {
            for (var i = 1; i <= k; i++)
            {
                fake.Seed(ParameterName(g, i), $"value-{g}-{i}");
            }
        }

        if (limited)
        {
            fake.AddLatency(o.Latency);
            fake.ThrottleAtTps(tps);
        }

        await new ResourceClient<SecretStoreIntegration>(client).CreateAsync(Integration(fake.Url, limited, tps), ct);

        var clock = Stopwatch.StartNew();
        string[] operatorArgs = ["--tenant=bench", "--leader-elect=false", $"--tfy-k8s-secrets-path={secrets}", .. o.OperatorArgs];
        using var first = OperatorProcess.Start(operatorDll, kubeconfig, log, operatorArgs, environment: env);
        var memory = new MemorySampler(first);
        await WaitForIntegrationAsync(client, first, ct);
        await using var watcher = new GroupWatcher(kube.BaseAddress, Namespace, clock);

        // Sync: every group created while the operator runs; wall time from the first create to the last Ready.
        var requestsAt = kube.Requests.Count;
        var callsAt = fake.TotalCalls;
        var t0 = clock.Elapsed;
        var groupsApi = new ResourceClient<SecretGroup>(client);
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (g, c) =>
            await groupsApi.CreateAsync(Group(g, k, refresh), c));
        r.CreateSeconds = (clock.Elapsed - t0).TotalSeconds;
        var timeout = TimeSpan.FromSeconds(Math.Max(300, (4 * floorSeconds) + 120));
        await WaitAsync(() => watcher.ReadyCount >= n, timeout, first, $"{n} groups Ready (have {watcher.ReadyCount})", ct);
        r.SyncSeconds = (watcher.LastReadyAt - t0).TotalSeconds;

        // What the sync cost, counted up to the last Ready: the steady window after it is not the sync's.
        var syncCalls = fake.Calls.Skip(callsAt).ToList();
        var syncRequests = kube.Requests.Skip(requestsAt).ToList();
        if (r.SyncSeconds > refresh.TotalSeconds)
        {
            r.Notes.Add($"WARNING: the sync ({r.SyncSeconds:F0}s) outlasted the refresh interval ({refresh.TotalSeconds:F0}s); its reads include refreshes.");
        }

        if (o.ProfilePause > TimeSpan.Zero)
        {
            Console.WriteLine($"   all Ready; operator pid {first.Id} stays up {o.ProfilePause.TotalSeconds:F0}s for profiling (e.g. dotnet-gcdump collect -p {first.Id})");
            await Task.Delay(o.ProfilePause, ct);
        }

        r.ReconcilesPerSecond = n / r.SyncSeconds;
        (r.SteadyRssBytes, r.SteadyHeapBytes) = await memory.SteadyAsync(o.SteadyWindow, ct);
        r.SyncStoreCalls = Count(syncCalls.Select(c => c.Operation));
        r.SyncGroupReads = syncCalls.Count(c => c.Operation == "GetParameters");
        r.SyncFakeThrottled = syncCalls.Count(c => c.Status == 400);
        r.SyncApiRequests = ApiRequests.ByVerb(syncRequests);
        r.SyncApiRequests["create secretgroups"] -= n; // the benchmark's own creates
        r.Notes.Add("API requests exclude the benchmark's N creates; they include the benchmark's single watch on secretgroups.");
        r.ThrottledGroups = watcher.ThrottledCount;
        r.NotReadyReasons = watcher.NotReadyReasons;
        var firstSyncs = watcher.LastSyncTimes();

        OperatorProcess? second = null;
        try
        {
            if (limited)
            {
                r.RefreshSeconds = refresh.TotalSeconds;

                // Restart with every group fresh: count store calls in the first window after the new process starts.
                await RecordMemoryAsync(r, first, memory);
                first.Kill();
                requestsAt = kube.Requests.Count;
                callsAt = fake.TotalCalls;
                second = OperatorProcess.Start(operatorDll, kubeconfig, log, operatorArgs, environment: env);
                await Task.Delay(o.RestartWindow, ct);
                r.RestartWindowSeconds = o.RestartWindow.TotalSeconds;
                r.RestartStoreCalls = Count(fake.Calls.Skip(callsAt).Select(c => c.Operation));
                r.RestartApiRequests = ApiRequests.ByVerb(kube.Requests.Skip(requestsAt));
                if ((clock.Elapsed - t0) > refresh)
                {
                    r.Notes.Add("WARNING: the restart window reached the refresh time; restart calls include due refreshes.");
                }

                // Unchanged pass: every group refreshes once (values unchanged); count Secret writes and store calls.
                requestsAt = kube.Requests.Count;
                callsAt = fake.TotalCalls;
                var passFrom = clock.Elapsed;
                await WaitAsync(() => Refreshed(watcher, firstSyncs) >= n, refresh + timeout, second, $"{n} groups refreshed (have {Refreshed(watcher, firstSyncs)})", ct);
                r.UnchangedPassSeconds = (clock.Elapsed - passFrom).TotalSeconds;
                r.UnchangedStoreCalls = Count(fake.Calls.Skip(callsAt).Select(c => c.Operation));
                var passRequests = kube.Requests.Skip(requestsAt).ToList();
                r.UnchangedSecretWrites = ApiRequests.SecretWrites(passRequests);
                r.UnchangedApiRequests = ApiRequests.ByVerb(passRequests);
                r.PeakRssAfterRestartBytes = second.PeakRss();
            }
            else
            {
                await RecordMemoryAsync(r, first, memory);
            }
        }
        finally
        {
            await memory.DisposeAsync();
            first.Kill();
            second?.Dispose();
        }

        // The per-key comparison, after the operator has stopped, against the same fake with the same limits.
        var sample = groups.Take(Math.Min(n, o.PerKeyGroups)).ToList();
        var perKey = await PerKeyClient.RunAsync(fake, sample, k, tps, OperatorWorkers, ct);
        r.PerKeySampleGroups = perKey.Groups;
        r.PerKeySampleCalls = perKey.Calls;
        r.PerKeySampleThrottled = perKey.Throttled;
        r.PerKeySampleSeconds = perKey.Elapsed.TotalSeconds;
        r.PerKeyExtrapolatedSeconds = perKey.Elapsed.TotalSeconds * n / perKey.Groups;
        return r;
    }

    /// <summary>The static credentials the integration reads through <c>tfy-k8s-secret://</c> files; returns their folder.</summary>
    internal static async Task<string> WriteCredentialsAsync(string dir, CancellationToken ct)
    {
        var secrets = Path.Combine(dir, "tfy-k8s-secrets");
        Directory.CreateDirectory(secrets);
        await File.WriteAllTextAsync(Path.Combine(secrets, "AWS_ACCESS_KEY_ID"), SsmFake.DefaultAccessKeyId, ct);
        await File.WriteAllTextAsync(Path.Combine(secrets, "AWS_SECRET_ACCESS_KEY"), SsmFake.DefaultSecretAccessKey, ct);
        return secrets;
    }

    /// <summary>A zero-latency, unlimited store fake holding K keys of every group.</summary>
    internal static async Task<SsmFake> StartStoreAsync(IEnumerable<string> groups, int k, CancellationToken ct)
    {
        var fake = await SsmFake.StartAsync(cancellationToken: ct);
        foreach (var g in groups)
        {
            for (var i = 1; i <= k; i++)
            {
                fake.Seed(ParameterName(g, i), $"value-{g}-{i}");
            }
        }

        return fake;
    }

    private static async Task RecordMemoryAsync(ScenarioResult r, OperatorProcess process, MemorySampler memory)
    {
        r.PeakRssBytes = Math.Max(process.PeakRss() ?? 0, memory.PeakRssBytes);
        r.PeakHeapBytes = memory.PeakHeapBytes;
        r.PeakGcCommittedBytes = memory.PeakGcCommittedBytes;
        await memory.DisposeAsync();
    }

    private static int Refreshed(GroupWatcher watcher, Dictionary<string, string> firstSyncs) =>
        watcher.LastSyncTimes().Count(p => firstSyncs.TryGetValue(p.Key, out var was) && was != p.Value);

    private static SortedDictionary<string, int> Count(IEnumerable<string> items)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var i in items)
        {
            counts[i] = counts.GetValueOrDefault(i) + 1;
        }

        return counts;
    }

    internal static SecretStoreIntegration Integration(string endpoint, bool limited, double tps) => new()
    {
        Metadata = new V1ObjectMeta { Name = IntegrationName },
        Spec = new SecretStoreIntegrationSpec
        {
            ProviderAccount = "bench-aws",
            Aws = new AwsStoreSpec
            {
                Region = SsmFake.Region,
                Endpoint = endpoint,
                Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY" },
            },
            RateLimit = limited ? new RateLimitSpec { Qps = tps, Burst = Math.Max(1, (int)tps) } : new RateLimitSpec { Qps = 10_000, Burst = 10_000 },
        },
    };

    internal static SecretGroup Group(string name, int keys, TimeSpan refresh) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
        Spec = new SecretGroupSpec
        {
            IntegrationFqn = Fqn,
            RefreshInterval = $"{(int)Math.Ceiling(refresh.TotalSeconds)}s",
            Secrets = Enumerable.Range(1, keys).Select(i => new SecretKeySpec { Key = KeyName(i) }).ToList(),
        },
    };

    internal static async Task WaitForIntegrationAsync(IKubernetes client, OperatorProcess process, CancellationToken ct)
    {
        var api = new ResourceClient<SecretStoreIntegration>(client);
        SecretStoreIntegration? last = null;
        await WaitAsync(
            () =>
            {
                last = api.GetAsync(new ObjectKey(null, IntegrationName), ct).GetAwaiter().GetResult();
                return Conditions.IsTrue(last?.Status?.Conditions, "Ready");
            },
            TimeSpan.FromMinutes(3),
            process,
            "the integration Ready",
            ct);
    }

    internal static async Task WaitAsync(Func<bool> done, TimeSpan timeout, OperatorProcess process, string what, CancellationToken ct)
    {
        var until = Stopwatch.StartNew();
        while (!done())
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the operator exited while waiting for {what}; see its log");
            }

            if (until.Elapsed > timeout)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:F0}s waiting for {what}");
            }

            await Task.Delay(200, ct);
        }
    }
}
