using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Cost;

/// <summary>An integration flapping between Ready and not costs each group on it a few writes per flip, not per second.</summary>
public sealed class IntegrationFlapCostTests(ITestOutputHelper output)
{
    private const string Ns = "flap";

    [Fact]
    public async Task IntegrationFlappingBetweenReadyAndNot_CostsEachGroupAFewWritesPerFlip()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.CreateIntegrationAsync();
        await h.WaitForIntegrationAsync();
        await h.SetSourceValuesAsync(Ns, new Dictionary<string, string> { ["K"] = "v" });
        await h.CreateGroupAsync(Ns, Ns, ["K"], g => g.Spec.RefreshInterval = "0");
        await h.WaitForGroupAsync(Ns, Ns, "True", "Synced");

        var meter = new CostMeter(h);
        await meter.StartAsync();
        var readsBefore = h.StoreReads();
        const int Cycles = 4;
        var recheck = TimeSpan.FromMinutes(6); // the integration's connectivity check runs every 5 minutes
        var stretch = TimeSpan.Zero;
        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            // The store refuses the check (403), then answers again: one flip down, one flip up.
            h.Emulator.Faults.FailShare(1.0, 403, match: r => r.Method == "GET" && r.Path == $"/api/v1/namespaces/{OperatorHarness.SourceNamespace}");
            await meter.RunAsync(recheck);
            Assert.False(await IsReadyAsync(h), $"cycle {cycle}: the integration should be not Ready");
            await h.WaitForGroupAsync(Ns, Ns, "False", "IntegrationNotReady");
            h.Emulator.Faults.Clear();
            await meter.RunAsync(recheck);
            Assert.True(await IsReadyAsync(h), $"cycle {cycle}: the integration should be Ready again");
            await h.WaitForGroupAsync(Ns, Ns, "True", "Synced");
            stretch += 2 * recheck;
        }

        // Per flip the group is requeued once and sees the echo of its own status write: two reconciles, one status write,
        // and a log line and an Event when it goes down; the Events of one reason form one series.
        var flips = 2 * Cycles;
        var cost = await meter.OfAsync(Ns, Ns);
        output.WriteLine($"{flips} flips over {stretch}: {cost}");
        Assert.True(cost.Reconciles <= 2 * flips + 2, $"{cost}");
        Assert.True(cost.ApiWrites <= flips + (2 * CostBounds.MaxEventWrites(stretch)), $"{cost}");
        Assert.True(cost.LogLines <= Cycles + 1, $"{cost}\n{string.Join("\n", meter.LinesOf(Ns, Ns))}");
        Assert.Equal(readsBefore, h.StoreReads()); // the group's data is fresh: a flip back costs it no store read
    }

    private static async Task<bool> IsReadyAsync(OperatorHarness h) =>
        Conditions.IsTrue((await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, "k8s-store"), CancellationToken.None))?.Status?.Conditions, "Ready");
}
