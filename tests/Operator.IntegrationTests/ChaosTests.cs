using System.Diagnostics;
using System.Globalization;
using k8s;
using Operator.Entities.V1Alpha1;
using Operator.IntegrationTests.Chaos;
using Operator.Runtime;

namespace Operator.IntegrationTests;

public sealed class ChaosTests(ITestOutputHelper output)
{
    private const string Ns = "chaos";
    private const int Groups = 200;
    private const string ManagedSelector = "app.kubernetes.io/managed-by=secretgroup-operator";
    private static readonly string[] Keys = ["K1", "K2", "K3"];

    [Fact]
    public async Task AcrossStores_UnderApiServerAndStoreFaults_EveryGroupConverges_AndNoManagedSecretIsEverDeletedEmptiedOrPartial()
    {
        var clock = Stopwatch.StartNew();
        ChaosStores? started = null;
        await using var h = await OperatorHarness.StartAsync(startOperator: false, configureServices: s => started!.ConfigureServices(s));
        await using var stores = started = await ChaosStores.StartAsync(h.Time);
        await h.StartOperatorAsync();
        await h.CreateNamespaceAsync(Ns);
        await stores.CreateIntegrationsAsync(h);
        for (var i = 0; i < Groups; i++)
        {
            await StoreOf(stores, i).WriteAsync(h, GroupName(i), Keys.ToDictionary(k => k, k => Value(i, k, "v1")));
        }

        // The groups are applied before the faults start (a faulted create is not what this test is about).
        await h.StopOperatorAsync();
        for (var i = 0; i < Groups; i++)
        {
            var fqn = StoreOf(stores, i).Fqn;
            await h.CreateGroupAsync(Ns, GroupName(i), Keys, g => g.Spec.IntegrationFqn = fqn);
        }

        await using var recorder = await SecretVersionRecorder.StartAsync(h.Emulator, Ns, ManagedSelector);
        await h.StartOperatorAsync();

        // From here on the API server misbehaves for everyone (10% of answers 500/429/409, latency), and every cloud
        // store fails 10% of calls and throttles above one group read a second of the operator's clock, with a burst of
        // one read (a read is one call on SSM and Vault, one per key on Key Vault and Secret Manager). The test steps
        // that clock 10 s at a time, so a store throttles whenever two reads meet between two steps; the chaos loop
        // below adds bursts of throttling on top.
        ApiServerFaults(h, seed: 1);
        var seed = 10;
        foreach (var (integration, faults) in stores.Faults)
        {
            faults.FailShare(0.1, seed: seed++);
            var callsPerRead = integration is "aws-ssm" or "vault" ? 1 : Keys.Length;
            faults.ThrottleAtTps(callsPerRead, burstSize: callsPerRead);
            faults.AddLatency(TimeSpan.FromMilliseconds(2));
        }

        using var stop = new CancellationTokenSource();
        var drops = 0;
        var chaos = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(1000, stop.Token);
                    if (++drops % 3 == 0)
                    {
                        await recorder.CompactHistoryAsync(stop.Token); // the resumed watches get 410 Gone and must relist
                    }

                    recorder.DropWatches();
                    foreach (var (_, faults) in stores.Faults)
                    {
                        faults.ThrottleNext(2);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });

        await ConvergeAsync(h, recorder, _ => "v1");
        var converged = clock.Elapsed;

        // A final change of one value per group (K2) still reaches every Secret. The built-in store's source Secrets are
        // written with the API server's faults off; the fakes are written directly, as another writer would.
        h.Emulator.Faults.Clear();
        for (var i = 0; i < Groups; i++)
        {
            await StoreOf(stores, i).WriteAsync(h, GroupName(i), Keys.ToDictionary(k => k, k => Value(i, k, k == "K2" ? "v2" : "v1")));
        }

        ApiServerFaults(h, seed: 4);
        h.Time.Advance(TimeSpan.FromMinutes(62)); // not AdvanceAsync: under chaos the controllers are never idle, ConvergeAsync steps on

        await ConvergeAsync(h, recorder, k => k == "K2" ? "v2" : "v1");

        await stop.CancelAsync();
        await chaos;
        h.Emulator.Faults.Clear();
        var listed = (await h.Client.CoreV1.ListNamespacedSecretAsync(Ns, labelSelector: ManagedSelector)).Items;
        var versions = recorder.Versions();
        var injected = h.Emulator.Requests.Count(r => r.StatusCode is 500 or 429 or 409);
        output.WriteLine($"converged in {converged.TotalSeconds:F1} s, changed in {clock.Elapsed.TotalSeconds:F1} s; {h.Emulator.Requests.Count} API requests, {injected} answered 500/429/409, {drops} watch drops ({drops / 3} with 410)");
        output.WriteLine($"recorder: {recorder.Streams} watch streams, {versions.Values.Sum(v => v.Count)} versions of {versions.Count} Secrets");
        foreach (var (integration, faults) in stores.Faults)
        {
            output.WriteLine($"{integration}: {faults.Calls} calls, {faults.Throttled} throttled, {faults.Failed} failed");
        }

        foreach (var (integration, faults) in stores.Faults)
        {
            Assert.True(faults.Throttled > 0 && faults.Failed > 0, $"{integration}: the faults never fired");
        }

        Assert.True(injected > 100, $"only {injected} API server faults were injected");
        Assert.Empty(recorder.Gaps);
        var storeValues = (int i) => Keys.ToDictionary(k => k, k => k == "K2" ? new[] { Value(i, k, "v1"), Value(i, k, "v2") } : [Value(i, k, "v1")], StringComparer.Ordinal);
        Assert.Empty(Enumerable.Range(0, Groups).SelectMany(i => ManagedSecretHistory.Violations(GroupName(i), versions.GetValueOrDefault(GroupName(i)) ?? [], storeValues(i))));
        Assert.Equal(Groups, listed.Count);
        Assert.All(listed, s => Assert.Equal(s.Metadata.ResourceVersion, versions[s.Metadata.Name][^1].ResourceVersion.ToString(CultureInfo.InvariantCulture)));
        Assert.DoesNotContain(h.Emulator.Requests, r => r.Method == "DELETE" && r.Path.StartsWith($"/api/v1/namespaces/{Ns}/secrets", StringComparison.Ordinal));
    }

    private static ChaosStore StoreOf(ChaosStores stores, int group) => stores.All[group % stores.All.Count];

    private static string GroupName(int i) => $"c{i}";

    private static string Value(int group, string key, string generation) => $"{generation}-{group}-{key}";

    private static void ApiServerFaults(OperatorHarness h, int seed)
    {
        h.Emulator.Faults.FailShare(0.04, 500, seed: seed);
        h.Emulator.Faults.FailShare(0.03, 429, seed: seed + 1);
        h.Emulator.Faults.FailShare(0.03, 409, seed: seed + 2);
        h.Emulator.Faults.AddLatency(TimeSpan.FromMilliseconds(2));
    }

    // Every Secret's newest recorded version holds the expected values; the fake clock is stepped so backoffs (and the
    // stores' quotas, on the same clock) run out.
    private async Task ConvergeAsync(OperatorHarness h, SecretVersionRecorder recorder, Func<string, string> generation)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        var done = 0;
        while (DateTime.UtcNow < deadline)
        {
            var latest = recorder.Latest();
            done = Enumerable.Range(0, Groups).Count(i =>
                latest.TryGetValue(GroupName(i), out var v) && v.Data is { } data && Keys.All(k => data.GetValueOrDefault(k) == Value(i, k, generation(k))));
            if (done == Groups)
            {
                output.WriteLine($"{generation("K2")}: all {Groups} Secrets converged");
                return;
            }

            h.Time.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(30);
        }

        // Say why: the stuck groups' Ready conditions, the integrations' and the operator's last warnings.
        h.Emulator.Faults.Clear();
        var groups = await new ResourceClient<SecretGroup>(h.Client).ListAsync(Ns, null, CancellationToken.None);
        foreach (var g in groups.Where(g => !recorder.Latest().TryGetValue(g.Metadata.Name, out var v) || v.Data?.GetValueOrDefault("K2") != Value(int.Parse(g.Metadata.Name[1..], CultureInfo.InvariantCulture), "K2", generation("K2"))).Take(10))
        {
            var ready = g.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            output.WriteLine($"stuck {g.Metadata.Name} ({g.Spec.IntegrationFqn}): {ready?.Status} {ready?.Reason} {ready?.Message}; next sync {g.Status?.NextSyncTime:O}");
        }

        foreach (var ssi in await new ResourceClient<SecretStoreIntegration>(h.Client).ListAsync(null, null, CancellationToken.None))
        {
            var ready = ssi.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            output.WriteLine($"integration {ssi.Metadata.Name}: {ready?.Status} {ready?.Reason} {ready?.Message}; validated {ssi.Status?.LastValidatedTime:O}");
        }

        output.WriteLine($"clock {h.Time.GetUtcNow():O}");
        foreach (var line in h.AllLogs().Where(l => l.Contains("warn", StringComparison.OrdinalIgnoreCase) || l.Contains("fail", StringComparison.OrdinalIgnoreCase)).TakeLast(30))
        {
            output.WriteLine(line);
        }

        Assert.Fail($"{generation("K2")}: only {done} of {Groups} Secrets converged");
    }
}
