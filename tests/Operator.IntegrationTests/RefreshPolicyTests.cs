using System.Text;
using k8s;
using Operator.Entities.V1Alpha1;
using Operator.IntegrationTests.Cost;
using Operator.Runtime;

namespace Operator.IntegrationTests;

/// <summary>The secrets.tfy.dev/force-sync annotation and spec.refreshPolicy (Periodic, OnChange, CreatedOnce).</summary>
public sealed class RefreshPolicyTests
{
    private const string Ns = "team-refresh-policy";

    private static Task<OperatorHarness> StartAsync() => OperatorHarness.StartWithIntegrationAsync(Ns);

    private static async Task<string?> ValueAsync(OperatorHarness h, string name, string key = "K") =>
        (await h.GetSecretAsync(Ns, name)) is { } s && s.Data.TryGetValue(key, out var v) ? Encoding.UTF8.GetString(v) : null;

    private static Task ForceSyncAsync(OperatorHarness h, string name, string value) =>
        h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, name), g => (g.Metadata.Annotations ??= new Dictionary<string, string>())[ManagedLabels.ForceSync] = value);

    [Fact]
    public async Task ForceSync_ANewValueSyncsOnce_TheSameValueOrARestartDoesNot()
    {
        await using var h = await StartAsync();
        await h.SetSourceValuesAsync("forced", new Dictionary<string, string> { ["K"] = "v1" });
        await h.CreateGroupAsync(Ns, "forced", ["K"]); // the default 1h refresh
        await h.WaitForGroupAsync(Ns, "forced", "True", "Synced");
        await h.SetSourceValuesAsync("forced", new Dictionary<string, string> { ["K"] = "v2" });

        var reads = h.StoreReads();
        await ForceSyncAsync(h, "forced", "1");
        await OperatorHarness.WaitForAsync(async () => await ValueAsync(h, "forced") == "v2", "the forced sync");
        var synced = await h.WaitForGroupAsync(Ns, "forced", "True", "Synced", g => g.Status?.SyncedInputs?.Annotations != "" && g.Status?.DataHash is not null);
        Assert.Equal(reads + 1, h.StoreReads());

        // Recorded in status: a restarted operator, and the same value written again, read nothing.
        await h.SetSourceValuesAsync("forced", new Dictionary<string, string> { ["K"] = "v3" });
        reads = h.StoreReads();
        await h.StopOperatorAsync();
        await h.StartOperatorAsync();
        var meter = new CostMeter(h);
        await meter.StartAsync();
        await ForceSyncAsync(h, "forced", "1");
        await meter.RunAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(reads, h.StoreReads());
        Assert.Equal("v2", await ValueAsync(h, "forced"));
        Assert.Equal(synced.Status!.SyncedInputs, (await h.GetGroupAsync(Ns, "forced"))!.Status!.SyncedInputs);

        // Any new value, even an older-looking one, syncs once more.
        await ForceSyncAsync(h, "forced", "0");
        await OperatorHarness.WaitForAsync(async () => await ValueAsync(h, "forced") == "v3", "the second forced sync");
        Assert.Equal(reads + 1, h.StoreReads());
    }

    [Fact]
    public async Task OnChange_SyncsOnlyWhenTheGroupChanges_LikeRefreshIntervalZero()
    {
        await using var h = await StartAsync();
        await h.SetSourceValuesAsync("onchange", new Dictionary<string, string> { ["K"] = "v1" });
        await h.CreateGroupAsync(Ns, "onchange", ["K"], g => g.Spec.RefreshPolicy = "OnChange");
        var synced = await h.WaitForGroupAsync(Ns, "onchange", "True", "Synced");
        Assert.Null(synced.Status!.NextSyncTime);

        await h.SetSourceValuesAsync("onchange", new Dictionary<string, string> { ["K"] = "v2" });
        await h.AdvanceAsync(TimeSpan.FromHours(25));
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal("v1", await ValueAsync(h, "onchange"));

        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "onchange"), g => g.Spec.SharedWithNamespaces = ["elsewhere"]);
        await OperatorHarness.WaitForAsync(async () => await ValueAsync(h, "onchange") == "v2", "the sync after a spec change");
    }

    [Fact]
    public async Task CreatedOnce_NeverRefreshes_ButRestoresADeletedSecret_AndObeysForceSync()
    {
        await using var h = await StartAsync();
        await h.SetSourceValuesAsync("once", new Dictionary<string, string> { ["K"] = "v1", ["L"] = "l1" });
        await h.CreateGroupAsync(Ns, "once", ["K"], g => g.Spec.RefreshPolicy = "CreatedOnce");
        await h.WaitForGroupAsync(Ns, "once", "True", "Synced");

        // Neither time, nor a new value, nor a spec change syncs again.
        await h.SetSourceValuesAsync("once", new Dictionary<string, string> { ["K"] = "v2", ["L"] = "l1" });
        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "once"), g => g.Spec.Secrets = [new SecretKeySpec { Key = "K" }, new SecretKeySpec { Key = "L" }]);
        await h.WaitForGroupAsync(Ns, "once", "True", "Synced", g => g.Status?.ObservedGeneration == 2);
        await h.AdvanceAsync(TimeSpan.FromHours(25));
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal("v1", await ValueAsync(h, "once"));
        Assert.Null(await ValueAsync(h, "once", "L"));

        // A deleted Secret is created again (from the store as it is now).
        await h.Client.CoreV1.DeleteNamespacedSecretAsync("once", Ns);
        await OperatorHarness.WaitForAsync(async () => await ValueAsync(h, "once") == "v2", "the deleted Secret to be restored");
        Assert.Equal("l1", await ValueAsync(h, "once", "L"));

        await h.SetSourceValuesAsync("once", new Dictionary<string, string> { ["K"] = "v3", ["L"] = "l1" });
        await ForceSyncAsync(h, "once", "now");
        await OperatorHarness.WaitForAsync(async () => await ValueAsync(h, "once") == "v3", "the forced sync");
    }
}
