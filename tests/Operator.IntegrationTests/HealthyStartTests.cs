using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Operator.IntegrationTests;

/// <summary>A start where nothing is wrong says nothing is wrong: no Warning Event, no Warning log line.</summary>
public sealed class HealthyStartTests
{
    private const string Ns = "healthy-start";

    [Fact]
    public async Task AGroupReconciledBeforeItsIntegrationIsChecked_WaitsWithoutAWarning()
    {
        // As the playground and a restart find them: the integration and its group exist before the operator starts.
        await using var h = await OperatorHarness.StartAsync(startOperator: false);
        await h.CreateNamespaceAsync(Ns);
        await h.SetSourceValuesAsync("keys", new Dictionary<string, string> { ["K"] = "v" });
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync(Ns, "keys", ["K"]);

        // The integration's first check lands a second late, so the group is surely reconciled before it.
        h.Emulator.Faults.AddLatency(TimeSpan.FromSeconds(1), r => r.Method == "PUT" && r.Path.EndsWith("/secretstoreintegrations/k8s-store/status", StringComparison.Ordinal));
        await h.StartOperatorAsync();
        await h.WaitForGroupAsync(Ns, "keys", "True", "Synced");

        var groupStatusWrites = h.Emulator.Requests.Count(r => r.Method == "PUT" && r.Path.EndsWith($"/namespaces/{Ns}/secretgroups/keys/status", StringComparison.Ordinal));
        Assert.True(groupStatusWrites >= 2, "the group should have recorded its wait before it synced");

        // Events are written in the background, after the status: wait for the Synced one rather than race it.
        var events = new k8s.Models.Eventsv1EventList();
        await OperatorHarness.WaitForAsync(async () =>
        {
            events = await h.Client.EventsV1.ListNamespacedEventAsync(Ns);
            return events.Items.Any(e => e.Type == "Normal" && e.Reason == "Synced" && e.Regarding.Name == "keys");
        }, "the Normal Synced Event");
        Assert.DoesNotContain(events.Items, e => e.Type == "Warning");
        var warnings = h.Host!.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Warning).Select(r => r.Message);
        Assert.Empty(warnings);
    }
}
