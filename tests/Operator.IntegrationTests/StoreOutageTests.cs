using System.Diagnostics.Metrics;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Operator.Entities.V1Alpha1;
using Operator.Observability;

namespace Operator.IntegrationTests;

public sealed class StoreOutageTests(ITestOutputHelper output)
{
    private const string Ns = "team-o";
    private const int Groups = 20;

    [Fact]
    public async Task FullOutage_LeavesEverySecretByteForByte_NamesTheStore_CountsTheErrors_AndRecoversWithinTheBackoffCap()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.CreateIntegrationAsync();
        for (var i = 0; i < Groups; i++)
        {
            await h.SetSourceValuesAsync($"g{i}", new Dictionary<string, string> { ["A"] = Canary("a", i), ["B"] = Canary("b", i) });
            await h.CreateGroupAsync(Ns, $"g{i}", ["A", "B"]);
        }

        for (var i = 0; i < Groups; i++)
        {
            await h.WaitForGroupAsync(Ns, $"g{i}", "True", "Synced");
        }

        var before = await SnapshotAsync(h);
        using var storeErrors = new MetricCollector<long>(h.Host!.Services.GetRequiredService<IMeterFactory>(), OperatorMetrics.MeterName, "operator_store_errors_total");
        var failedSyncsBefore = FailedSyncs(h);

        // The store (the source namespace's Secrets) answers 503 to everything; the API server itself stays up.
        h.Emulator.Faults.FailShare(1.0, 503, match: r => r.Path.StartsWith($"/api/v1/namespaces/{OperatorHarness.SourceNamespace}/secrets", StringComparison.Ordinal));
        await h.AdvanceAsync(TimeSpan.FromMinutes(62));
        for (var i = 0; i < Groups; i++)
        {
            var failed = await h.WaitForGroupAsync(Ns, $"g{i}", "False", "StoreUnavailable");
            var message = failed.Status!.Conditions!.Single(c => c.Type == "Ready").Message;
            Assert.Contains(h.FqnOf(), message, StringComparison.Ordinal);
            Assert.Contains("HTTP 503", message, StringComparison.Ordinal);
        }

        // Retries during the outage (backoff on the fake clock) change nothing either.
        await h.AdvanceAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(before, await SnapshotAsync(h));

        // Every failed group sync met at least one failed store call, counted by provider and error class only.
        var errors = storeErrors.GetMeasurementSnapshot();
        var failedSyncs = FailedSyncs(h) - failedSyncsBefore;
        output.WriteLine($"during the outage: {failedSyncs} failed group syncs, {errors.Sum(m => m.Value)} store errors counted");
        Assert.InRange(failedSyncs, Groups, int.MaxValue);
        Assert.InRange(errors.Sum(m => m.Value), failedSyncs, long.MaxValue);
        Assert.All(errors, m =>
        {
            Assert.Equal(["operation", "provider", "reason"], m.Tags.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(("kubernetes", "Unavailable"), ((string?)m.Tags["provider"], (string?)m.Tags["reason"]));
        });
        var labels = string.Join(",", errors.SelectMany(m => m.Tags.Values)).ToUpperInvariant();
        Assert.DoesNotContain("CANARY", labels, StringComparison.Ordinal);
        Assert.DoesNotContain(Ns.ToUpperInvariant(), labels, StringComparison.Ordinal);

        h.Emulator.Faults.Clear();

        // Each group waits out its own backoff on the fake clock; step the clock by the backoff cap (5 min) until all
        // are Ready, and count the steps: recovery must come within one cap of the store's return.
        var steps = 0;
        await OperatorHarness.WaitForAsync(
            async () =>
            {
                var ready = 0;
                for (var i = 0; i < Groups; i++)
                {
                    var g = await h.GetGroupAsync(Ns, $"g{i}");
                    ready += g?.Status?.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) == true ? 1 : 0;
                }

                if (ready == Groups)
                {
                    return true;
                }

                h.Time.Advance(TimeSpan.FromMinutes(5));
                steps++;
                await Task.Delay(200);
                return false;
            },
            "every group Ready again after the store returns");
        Assert.InRange(steps, 1, 3);

        Assert.Equal(before, await SnapshotAsync(h));
    }

    private static string Canary(string key, int group) => $"canary-{key}{group}-{Guid.NewGuid():N}";

    /// <summary>Failed group syncs so far: the reconciler logs "not synced" once for each.</summary>
    private static int FailedSyncs(OperatorHarness h) =>
        h.Host!.Services.GetFakeLogCollector().GetSnapshot().Count(r => r.Message.Contains("not synced: StoreUnavailable", StringComparison.Ordinal));

    // Name, data and annotations of every managed Secret; resourceVersion too, so "unchanged" means not even rewritten.
    private static async Task<string> SnapshotAsync(OperatorHarness h)
    {
        var list = await h.Client.CoreV1.ListNamespacedSecretAsync(Ns);
        return string.Join("\n", list.Items.OrderBy(s => s.Metadata.Name, StringComparer.Ordinal).Select(s => KubernetesJson.Serialize(s)));
    }
}
