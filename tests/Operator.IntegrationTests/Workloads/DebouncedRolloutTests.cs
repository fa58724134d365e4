using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Operator.Entities.V1Alpha1;
using Operator.Observability;
using Operator.Workloads;

namespace Operator.IntegrationTests.Workloads;

/// <summary>
/// Issue 20, Must show 6 (debounced rollouts, VSO #644): groups of one workload whose data changes within the rollout
/// window give one restart, counted in secretgroup_rollouts_total; a change after the window gives another.
/// </summary>
public sealed class DebouncedRolloutTests
{
    private const string Ns = "team-a";
    private static readonly string[] Groups = ["db", "cache", "queue"];

    [Fact]
    public async Task ThreeGroupsChangingWithinTheWindow_RestartTheWorkloadOnce_AndALaterChangeRestartsItAgain()
    {
        await using var h = await OperatorHarness.StartWithIntegrationAsync(Ns);
        foreach (var g in Groups)
        {
            await h.SetSourceValuesAsync(g, new Dictionary<string, string> { ["VALUE"] = "v1" });
            await h.CreateGroupAsync(Ns, g, ["VALUE"], s => s.Spec.RefreshInterval = "1h");
            await h.WaitForGroupAsync(Ns, g, "True", "Synced");
        }

        await ReloadRolloutTests.DeploymentAsync(h, "web", Ns, string.Join(",", Groups));
        using var rollouts = new MetricCollector<long>(h.Host!.Services.GetRequiredService<IMeterFactory>(), OperatorMetrics.MeterName, RolloutMetrics.RolloutsTotal);
        var generation = await GenerationAsync(h);
        await h.AdvanceAsync(TimeSpan.FromSeconds(5)); // changes come after the Deployment was created (a template without hashes rolls only then)

        // One rotation touches all three, a few seconds apart (each picked up by a force-sync, as Argo CD's refresh would).
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var g in Groups)
        {
            await h.SetSourceValuesAsync(g, new Dictionary<string, string> { ["VALUE"] = "v2" });
            hashes[g] = await ForceSyncAsync(h, g, "rotation-1");
            await h.AdvanceAsync(TimeSpan.FromSeconds(3));
        }

        // 9 s after the first change: inside the 10 s window, nothing restarted yet.
        Assert.Equal(generation, await GenerationAsync(h));
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        await WaitForHashesAsync(h, hashes);
        Assert.Equal(generation + 1, await GenerationAsync(h));
        await WaitForRolledAsync(rollouts, 1);

        // A change after the window is a new restart of its own.
        await h.SetSourceValuesAsync("db", new Dictionary<string, string> { ["VALUE"] = "v3" });
        hashes["db"] = await ForceSyncAsync(h, "db", "rotation-2");
        await h.AdvanceAsync(RolloutOptions.DefaultWindow);
        await WaitForHashesAsync(h, hashes);
        Assert.Equal(generation + 2, await GenerationAsync(h));
        await WaitForRolledAsync(rollouts, 2);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("11m")]
    [InlineData("soon")]
    public async Task RolloutWindowOutOfRange_FailsTheStart_NamingTheFlag(string window)
    {
        await using var h = await OperatorHarness.StartAsync(startOperator: false);
        h.Settings["RolloutWindow"] = window;

        var failure = await Assert.ThrowsAnyAsync<Exception>(h.StartOperatorAsync);
        Assert.Contains("--rollout-window", failure.Message, StringComparison.Ordinal);
    }

    // The counter is added once the restart patch has returned, so a reader of the Deployment can see the patch first.
    private static async Task WaitForRolledAsync(MetricCollector<long> rollouts, long expected)
    {
        await OperatorHarness.WaitForAsync(() => Task.FromResult(Rolled(rollouts) >= expected), $"{expected} rollouts counted", () => $"{Rolled(rollouts)} counted");
        Assert.Equal(expected, Rolled(rollouts));
    }

    private static long Rolled(MetricCollector<long> rollouts) =>
        rollouts.GetMeasurementSnapshot().Where(m => Equals(m.Tags["result"], "rolled") && Equals(m.Tags["kind"], "Deployment")).Sum(m => m.Value);

    private static async Task<long?> GenerationAsync(OperatorHarness h) => (await h.Client.AppsV1.ReadNamespacedDeploymentAsync("web", Ns)).Metadata.Generation;

    /// <summary>Sets the group's force-sync annotation to <paramref name="value"/> and returns its data hash after the sync.</summary>
    private static async Task<string> ForceSyncAsync(OperatorHarness h, string group, string value)
    {
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [ManagedLabels.ForceSync] = value } } }.ToJsonString();
        var before = (await h.WaitForGroupAsync(Ns, group, "True")).Status!.DataHash;
        await h.Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), Operator.Entities.V1Alpha1.Api.Group, Operator.Entities.V1Alpha1.Api.Version, Ns, "secretgroups", group);
        return (await h.WaitForGroupAsync(Ns, group, "True", and: g => g.Status!.DataHash != before)).Status!.DataHash!;
    }

    private static Task WaitForHashesAsync(OperatorHarness h, Dictionary<string, string> hashes) => OperatorHarness.WaitForAsync(async () =>
    {
        var annotations = (await h.Client.AppsV1.ReadNamespacedDeploymentAsync("web", Ns)).Spec.Template.Metadata.Annotations;
        return annotations is not null && hashes.All(p => annotations.TryGetValue(ReloadAnnotations.DataHash(p.Key), out var seen) && seen == p.Value);
    }, "the restart recording every group's hash");
}
