using Microsoft.Extensions.DependencyInjection;
using Operator.Controllers;
using Operator.Runtime;

namespace Operator.IntegrationTests;

/// <summary>API server load after a restart: fresh groups cost neither store reads nor status writes.</summary>
public sealed class RestartLoadTests
{
    private const string Ns = "team-restart";

    [Fact]
    public async Task Restart_WithFreshGroups_WritesNoStatus_EvenWhenSyncTimesHaveSubMicrosecondDigits()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.CreateIntegrationAsync();

        // A clock reading with a 7th fractional digit, which RFC 3339 microseconds in status cannot hold.
        await h.AdvanceAsync(TimeSpan.FromTicks(1_234_567));
        for (var i = 0; i < 5; i++)
        {
            await h.SetSourceValuesAsync($"r{i}", new Dictionary<string, string> { ["K"] = $"v{i}" });
            await h.CreateGroupAsync(Ns, $"r{i}", ["K"], g => g.Spec.RefreshInterval = "30m");
        }

        for (var i = 0; i < 5; i++)
        {
            await h.WaitForGroupAsync(Ns, $"r{i}", "True", "Synced");
        }

        await h.StopOperatorAsync();
        await h.AdvanceAsync(TimeSpan.FromMinutes(10));
        var requestsBefore = h.Emulator.Requests.Count;

        await h.StartOperatorAsync();
        await OperatorHarness.WaitForAsync(
            () => Task.FromResult(Enumerable.Range(0, 5).All(i => h.GroupReconciles(Ns, $"r{i}") > 0)),
            "restarted controller to visit every group");

        // A group created now syncs after the visits above have finished their writes (if any).
        await h.SetSourceValuesAsync("sentinel", new Dictionary<string, string> { ["K"] = "s" });
        await h.CreateGroupAsync(Ns, "sentinel", ["K"]);
        await h.WaitForGroupAsync(Ns, "sentinel", "True", "Synced");

        var statusWrites = h.Emulator.Requests.Skip(requestsBefore).Count(r => r.Method is "PUT" or "PATCH" && r.Path.Contains("/secretgroups/r", StringComparison.Ordinal) && r.Path.EndsWith("/status", StringComparison.Ordinal));
        Assert.Equal(0, statusWrites);
    }
}
