using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Operator.IntegrationTests;

public sealed class ChaosTests(ITestOutputHelper output)
{
    private const string Ns = "chaos";
    private const int Groups = 200;

    [Fact]
    public async Task UnderApiServerFaults_EveryGroupConverges_AndNoManagedSecretIsEverDeletedOrEmptied()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.CreateIntegrationAsync();
        for (var i = 0; i < Groups; i++)
        {
            await h.SetSourceValuesAsync($"c{i}", new Dictionary<string, string> { ["K"] = $"v1-{i}" });
        }

        // The groups are applied before the faults start (a faulted create is not what this test is about).
        await h.StopOperatorAsync();
        for (var i = 0; i < Groups; i++)
        {
            await h.CreateGroupAsync(Ns, $"c{i}", ["K"]);
        }

        await h.StartOperatorAsync();

        // From here on the API server misbehaves for everyone: 10% of answers are 500/429/409, with latency.
        h.Emulator.Faults.FailShare(0.04, 500, seed: 1);
        h.Emulator.Faults.FailShare(0.03, 429, seed: 2);
        h.Emulator.Faults.FailShare(0.03, 409, seed: 3);
        h.Emulator.Faults.AddLatency(TimeSpan.FromMilliseconds(2));
        using var stop = new CancellationTokenSource();
        var violations = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var drops = 0;
        var chaos = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(1500, CancellationToken.None);
                if (++drops % 3 == 0)
                {
                    h.Emulator.CompactHistory(); // the resumed watches get 410 Gone and must relist
                }

                h.Emulator.DropWatches();
            }
        });
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var list = await TryAsync(() => h.Client.CoreV1.ListNamespacedSecretAsync(Ns, labelSelector: "app.kubernetes.io/managed-by=secretgroup-operator"));
                if (list is not null)
                {
                    lock (violations)
                    {
                        var names = list.Items.Select(s => s.Metadata.Name).ToHashSet(StringComparer.Ordinal);
                        violations.AddRange(seen.Where(n => !names.Contains(n)).Select(n => $"{n} disappeared"));
                        violations.AddRange(list.Items.Where(s => s.Data is null || s.Data.Count == 0 || s.Data.Values.Any(v => v.Length == 0)).Select(s => $"{s.Metadata.Name} empty"));
                        seen.UnionWith(names);
                    }
                }

                await Task.Delay(50, CancellationToken.None);
            }
        });

        await ConvergeAsync(h, "v1");

        // A final value change still reaches every Secret.
        h.Emulator.Faults.Clear();
        for (var i = 0; i < Groups; i++)
        {
            await h.SetSourceValuesAsync($"c{i}", new Dictionary<string, string> { ["K"] = $"v2-{i}" });
        }

        h.Emulator.Faults.FailShare(0.04, 500, seed: 4);
        h.Emulator.Faults.FailShare(0.03, 429, seed: 5);
        h.Emulator.Faults.FailShare(0.03, 409, seed: 6);
        h.Time.Advance(TimeSpan.FromMinutes(62));
        await ConvergeAsync(h, "v2");

        await stop.CancelAsync();
        await Task.WhenAll(chaos, watcher);
        var injected = h.Emulator.Requests.Count(r => r.StatusCode is 500 or 429 or 409);
        output.WriteLine($"{h.Emulator.Requests.Count} API requests, {injected} answered 500/429/409, {drops} watch drops ({drops / 3} with 410)");
        Assert.True(injected > 100, $"only {injected} faults were injected");
        Assert.Empty(violations);
        Assert.DoesNotContain(h.Emulator.Requests, r => r.Method == "DELETE" && r.Path.StartsWith($"/api/v1/namespaces/{Ns}/secrets", StringComparison.Ordinal));
    }

    // Every Secret holds the expected generation of values; the fake clock is stepped so backoffs run out.
    private async Task ConvergeAsync(OperatorHarness h, string version)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        var done = 0;
        while (DateTime.UtcNow < deadline)
        {
            var list = await TryAsync(() => h.Client.CoreV1.ListNamespacedSecretAsync(Ns, labelSelector: "app.kubernetes.io/managed-by=secretgroup-operator"));
            done = list?.Items.Count(s => s.Data?.TryGetValue("K", out var v) == true && Encoding.UTF8.GetString(v) == $"{version}-{s.Metadata.Name[1..]}") ?? done;
            if (done == Groups)
            {
                output.WriteLine($"{version}: all {Groups} Secrets converged");
                return;
            }

            h.Time.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(100);
        }

        Assert.Fail($"{version}: only {done} of {Groups} Secrets converged");
    }

    private static async Task<T?> TryAsync<T>(Func<Task<T>> call)
        where T : class
    {
        try
        {
            return await call();
        }
        catch (HttpOperationException)
        {
            return null;
        }
    }
}
