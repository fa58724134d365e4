using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.IntegrationTests.Cost;
using Operator.Runtime;

namespace Operator.IntegrationTests;

/// <summary>spec.refreshInterval: 0 turns periodic refresh off; otherwise it keeps to the integration's floor and the ceiling.</summary>
public sealed class RefreshIntervalTests
{
    private const string Ns = "team-refresh";

    [Fact]
    public async Task Zero_SyncsOnce_AndReadsTheStoreAgainOnlyWhenTheSpecChanges()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.CreateIntegrationAsync();
        await h.WaitForIntegrationAsync(); // else the group's first attempt fails and leaves a backoff retry due later
        await h.SetSourceValuesAsync("never", new Dictionary<string, string> { ["K"] = "v1" });
        await h.CreateGroupAsync(Ns, "never", ["K"], g => g.Spec.RefreshInterval = "0");
        var synced = await h.WaitForGroupAsync(Ns, "never", "True", "Synced");
        Assert.Null(synced.Status!.NextSyncTime);

        var meter = new CostMeter(h);
        await meter.StartAsync();
        await h.SetSourceValuesAsync("never", new Dictionary<string, string> { ["K"] = "v2" });
        var reads = h.StoreReads(); // after the test's own read-modify-write of the source
        await meter.RunAsync(RefreshBounds.Ceiling + TimeSpan.FromHours(1)); // 0 is taken for neither the default (1h) nor the ceiling
        Assert.Equal(reads, h.StoreReads());
        Assert.Equal(new GroupCost(0, 0, 0, 0), await meter.OfAsync(Ns, "never"));

        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "never"), g => g.Spec.SharedWithNamespaces = ["elsewhere"]);
        await h.WaitForGroupAsync(Ns, "never", "True", "Synced", g => g.Status?.ObservedGeneration == 2);
        Assert.Equal("v2"u8.ToArray(), (await h.GetSecretAsync(Ns, "never"))!.Data["K"]);
    }

    [Fact]
    public async Task BelowTheIntegrationsFloor_IsAConditionNamingTheField_AndTheIntegrationMayAllowLess()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.CreateIntegrationAsync();
        await h.CreateIntegrationAsync("fast", i => i.Spec.MinRefreshInterval = "2s");
        await h.SetSourceValuesAsync("slow", new Dictionary<string, string> { ["K"] = "v" });
        await h.SetSourceValuesAsync("quick", new Dictionary<string, string> { ["K"] = "v" });

        await h.CreateGroupAsync(Ns, "slow", ["K"], g => g.Spec.RefreshInterval = "2s");
        await h.CreateGroupAsync(Ns, "quick", ["K"], g =>
        {
            g.Spec.RefreshInterval = "2s";
            g.Spec.IntegrationFqn = h.FqnOf("fast");
        });

        var refused = await h.WaitForGroupAsync(Ns, "slow", "False", "InvalidSpec");
        Assert.Equal(
            "spec.refreshInterval: '2s' is below the floor of 10s set by integration 'k8s-store' (spec.minRefreshInterval); use at least 10s, or 0 to turn periodic refresh off",
            refused.Status!.Conditions!.Single(c => c.Type == "Ready").Message);
        await h.WaitForGroupAsync(Ns, "quick", "True", "Synced");
        Assert.Null(await h.GetSecretAsync(Ns, "slow"));
    }
}
