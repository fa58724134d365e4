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

        // While the integration is down the group retries with backoff (at most MaxAttempts in a down phase, plus the
        // requeues by the integration's two flips and their echoes); a status write per flip; a log line and an Event
        // series per outage, not per attempt.
        var flips = 2 * Cycles;
        var cost = await meter.OfAsync(Ns, Ns);
        output.WriteLine($"{flips} flips over {stretch}: {cost}");
        Assert.True(cost.Reconciles <= Cycles * (CostBounds.MaxAttempts(recheck) + 4), $"{cost}");
        Assert.True(cost.ApiWrites <= flips + (Cycles * CostBounds.MaxEventWrites(recheck)), $"{cost}");
        Assert.True(cost.LogLines <= Cycles, $"{cost}\n{string.Join("\n", meter.LinesOf(Ns, Ns))}");
        Assert.Equal(readsBefore, h.StoreReads()); // the group's data is fresh: a flip back costs it no store read
    }

    /// <summary>
    /// The integration's reconciler requeues its groups right after its own status write; a group that reads the
    /// integration from a cache that does not show that write yet (for seconds while a watch is re-established: the
    /// chaos test's groups that never converged) must not wait for a notification that already went by.
    /// </summary>
    [Fact]
    public async Task AGroupThatMissedItsIntegrationsRecovery_RetriesWithBackoff_AndSyncs()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.CreateIntegrationAsync();
        await h.WaitForIntegrationAsync();
        await h.SetSourceValuesAsync(Ns, new Dictionary<string, string> { ["K"] = "v" });
        var meter = new CostMeter(h);
        h.Emulator.Faults.FailShare(1.0, 403, match: r => r.Method == "GET" && r.Path == $"/api/v1/namespaces/{OperatorHarness.SourceNamespace}");
        await meter.RunAsync(TimeSpan.FromMinutes(6));
        await h.WaitForIntegrationAsync(status: "False");
        await h.CreateGroupAsync(Ns, Ns, ["K"]);
        await h.WaitForGroupAsync(Ns, Ns, "False", "IntegrationNotReady");
        await meter.RunAsync(TimeSpan.FromMinutes(1)); // the echoes of the group's own writes (status, RBAC) are done

        // The integration recovers without its reconciler telling the groups: its status is written as a lagging cache
        // would have hidden the write (already Ready when its reconciler looks, so nothing changes and nothing is requeued).
        h.Emulator.Faults.Clear();
        var api = new ResourceClient<SecretStoreIntegration>(h.Client);
        var ssi = (await api.GetAsync(new ObjectKey(null, "k8s-store"), CancellationToken.None))!;
        ssi.Status!.LastValidatedTime = h.Time.GetUtcNow().UtcDateTime;
        Conditions.Set(ssi.Status.Conditions!, "Ready", "True", "Validated", "connected to kubernetes store", ssi.Metadata.Generation, h.Time);
        await api.ReplaceStatusAsync(ssi, CancellationToken.None);

        await meter.RunAsync(TimeSpan.FromMinutes(10));
        await h.WaitForGroupAsync(Ns, Ns, "True", "Synced");
    }

    private static async Task<bool> IsReadyAsync(OperatorHarness h) =>
        Conditions.IsTrue((await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, "k8s-store"), CancellationToken.None))?.Status?.Conditions, "Ready");
}
