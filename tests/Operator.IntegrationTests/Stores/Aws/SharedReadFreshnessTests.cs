using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Stores;

/// <summary>Issue 20.6: what reads past the shared reads (an integration change, force-sync) and what is never kept (a failure).</summary>
public sealed class SharedReadFreshnessTests
{
    private const string Ns = "team-1";

    private static async Task<(SharedSsm S, IReadOnlyList<string> Keys)> TwoSyncedGroupsAsync()
    {
        var s = await SharedSsm.StartAsync();
        var keys = SharedSsm.SeedShared(s.Fake, 3);
        await s.H.CreateNamespaceAsync(Ns);
        await s.CreateGroupAsync(Ns, "a", keys);
        await s.CreateGroupAsync(Ns, "b", keys);
        await s.WaitForSyncsAsync([(Ns, "a"), (Ns, "b")]);
        return (s, keys);
    }

    [Fact]
    public async Task ChangedIntegration_ReadsFresh_WithinTheWindow()
    {
        var (s, _) = await TwoSyncedGroupsAsync();
        await using var _ = s;
        SharedSsm.SeedShared(s.Fake, 3, "v2-");
        var reads = s.Reads;

        // A new generation (here its rate limit) re-syncs its groups at once, without moving the clock.
        await s.H.UpdateAsync<SecretStoreIntegration>(new ObjectKey(null, SharedSsm.Integration), ssi => ssi.Spec.RateLimit = new RateLimitSpec { Qps = 50, Burst = 50 });

        await OperatorHarness.WaitForAsync(async () => await s.ValueAsync(Ns, "a", "KEY_01") == "v2-KEY_01" && await s.ValueAsync(Ns, "b", "KEY_01") == "v2-KEY_01", "both groups to read the new generation's store");
        Assert.Equal(1 + 1, s.Reads - reads); // the new client's connectivity check, then one shared read for both groups
    }

    [Fact]
    public async Task ForceSync_ReadsPastTheSharedReads_AndTheOtherGroupKeepsItsSchedule()
    {
        var (s, _) = await TwoSyncedGroupsAsync();
        await using var _ = s;
        SharedSsm.SeedShared(s.Fake, 3, "v2-");
        var reads = s.Reads;

        await s.ForceSyncAsync(Ns, "a", "now");

        await s.H.WaitForGroupAsync(Ns, "a", "True", "Synced", g => g.Status?.SyncedInputs?.Annotations is { Length: > 0 });
        Assert.Equal("v2-KEY_01", await s.ValueAsync(Ns, "a", "KEY_01"));
        Assert.Equal("v1-KEY_01", await s.ValueAsync(Ns, "b", "KEY_01"));
        Assert.Equal(1, s.Reads - reads);
    }

    [Fact]
    public async Task FlappingStore_AFailedSharedReadIsNotKept_EachGroupGetsItsOwnCondition_AndRecovers()
    {
        var (s, _) = await TwoSyncedGroupsAsync();
        await using var _ = s;
        SharedSsm.SeedShared(s.Fake, 3, "v2-");
        s.Fake.FailShare(1.0);
        var reads = s.Reads;

        await s.H.AdvanceAsync(SharedSsm.OneInterval);

        foreach (var name in new[] { "a", "b" })
        {
            var failed = await s.H.WaitForGroupAsync(Ns, name, "False", "StoreUnavailable");
            Assert.Contains("the managed Secret is unchanged", failed.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
            Assert.Equal("v1-KEY_01", await s.ValueAsync(Ns, name, "KEY_01"));
        }

        // The store answers again: the next attempt of each group reads it (nothing failed was kept), within a backoff.
        Assert.True(s.Reads > reads);
        s.Fake.ClearFaults();
        await OperatorHarness.WaitForAsync(
            async () =>
            {
                var a = await s.H.GetGroupAsync(Ns, "a");
                var b = await s.H.GetGroupAsync(Ns, "b");
                if (IsReady(a) && IsReady(b))
                {
                    return true;
                }

                await s.H.AdvanceAsync(TimeSpan.FromMinutes(1));
                return false;
            },
            "both groups to recover");
        Assert.Equal("v2-KEY_01", await s.ValueAsync(Ns, "a", "KEY_01"));
        Assert.Equal("v2-KEY_01", await s.ValueAsync(Ns, "b", "KEY_01"));
    }

    private static bool IsReady(SecretGroup? g) => g?.Status?.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) == true;
}
