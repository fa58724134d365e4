using Operator.Testing.Kube;

namespace Operator.IntegrationTests.Cost;

/// <summary>
/// New groups are synced once each (one store read, one status write), also when the operator's watch of its groups
/// lags behind its other watches, as it does on a loaded API server or operator (make bench at 10,000 groups counted
/// 10,746-17,485 reads and status writes for 10,000 groups under load).
/// </summary>
public sealed class SyncOnceTests
{
    private const string Ns = "team-once";
    private const int Groups = 20;

    /// <summary>Longer than the runtime's old 30 s expectation window, well inside kube-controller-manager's 5 min.</summary>
    private static readonly TimeSpan Lag = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task NewGroups_WhileTheGroupWatchLags_AreEachReadAndWrittenOnce()
    {
        await using var h = await OperatorHarness.StartWithIntegrationAsync(Ns);
        await h.StopOperatorAsync();
        for (var i = 0; i < Groups; i++)
        {
            await h.SetSourceValuesAsync($"once{i}", new Dictionary<string, string> { ["K"] = $"v{i}" });
            await h.CreateGroupAsync(Ns, $"once{i}", ["K"], g => g.Spec.RefreshInterval = "1h");
        }

        var requestsBefore = h.Emulator.Requests.Count;
        var groupEvents = h.Emulator.Faults.HoldWatchEvents("secretgroups");
        var claimEvents = h.Emulator.Faults.HoldWatchEvents("configmaps");
        try
        {
            // The restarted operator lists the groups and syncs each once; its own status writes stay out of its cache.
            await h.StartOperatorAsync();
            for (var i = 0; i < Groups; i++)
            {
                await h.WaitForGroupAsync(Ns, $"once{i}", "True", "Synced");
            }

            // A minute on, the groups' claims come in (a declared watch requeues each group) while their status does not.
            await h.AdvanceAsync(Lag);
            claimEvents.Dispose();
            await h.AdvanceAsync(TimeSpan.Zero);
        }
        finally
        {
            claimEvents.Dispose();
            groupEvents.Dispose();
        }

        await h.AdvanceAsync(TimeSpan.Zero);
        var requests = h.Emulator.Requests.Skip(requestsBefore).ToList();
        var notOnce = Enumerable.Range(0, Groups)
            .Select(i => (
                Group: $"once{i}",
                Reads: requests.Count(r => r.Method == "GET" && r.Path == $"/api/v1/namespaces/{OperatorHarness.SourceNamespace}/secrets/{h.Tenant}.once{i}"),
                StatusWrites: requests.Count(r => r.Method is "PUT" or "PATCH" && r.Path == $"/apis/secrets.tfy.dev/v1alpha1/namespaces/{Ns}/secretgroups/once{i}/status")))
            .Where(c => c.Reads != 1 || c.StatusWrites != 1)
            .ToList();
        Assert.True(notOnce.Count == 0, $"{notOnce.Count} of {Groups} groups were not read and written exactly once: {string.Join(", ", notOnce.Take(5))}");
    }
}
