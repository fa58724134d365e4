using k8s;

namespace Operator.IntegrationTests;

public sealed class RecoveryEventTests
{
    private const string Ns = "team-r";

    [Fact]
    public async Task StoreBackAfterAFailure_WithUnchangedData_RecordsARecoveredEvent()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.SetSourceValuesAsync("keys", new Dictionary<string, string> { ["API_KEY"] = "v1" });
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync(Ns, "keys", ["API_KEY"], g => g.Spec.RefreshInterval = "10m");
        await h.WaitForGroupAsync(Ns, "keys", "True", "Synced");

        h.Emulator.Faults.FailNext(1000, 503, r => r.Method == "GET" && r.Path.StartsWith($"/api/v1/namespaces/{OperatorHarness.SourceNamespace}/secrets", StringComparison.Ordinal));
        await h.AdvanceAsync(TimeSpan.FromMinutes(11));
        await h.WaitForGroupAsync(Ns, "keys", "False", "StoreUnavailable");
        Assert.DoesNotContain((await h.Client.EventsV1.ListNamespacedEventAsync(Ns)).Items, e => e.Reason == "Recovered");

        h.Emulator.Faults.Clear();
        await h.AdvanceAsync(TimeSpan.FromMinutes(1));
        await h.WaitForGroupAsync(Ns, "keys", "True", "Synced");

        await OperatorHarness.WaitForAsync(
            async () => (await h.Client.EventsV1.ListNamespacedEventAsync(Ns)).Items.Any(e => e.Type == "Normal" && e.Reason == "Recovered" && e.Regarding.Name == "keys"),
            "a Normal Recovered event",
            () => KubernetesJson.Serialize((h.Client.EventsV1.ListNamespacedEventAsync(Ns).GetAwaiter().GetResult()).Items.Select(e => $"{e.Type} {e.Reason}")));
    }
}
