using Operator.Entities.V1Alpha1;
using Operator.Testing.Stores.Aws;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// Issue 20.6: a value many groups use is read from the store once per refresh interval and fanned out; the cache never
/// widens who may read what, and never serves a value older than its bound.
/// </summary>
public sealed class SharedReadTests(ITestOutputHelper output)
{
    private static readonly string[] Namespaces = ["team-1", "team-2", "team-3", "team-4", "team-5"];

    /// <summary>Twenty groups, four in each of five namespaces.</summary>
    private static readonly (string Ns, string Name)[] Groups =
        [.. Enumerable.Range(0, 20).Select(i => (Namespaces[i % 5], $"g{i:D2}"))];

    [Theory]
    [InlineData(true, 2)] // ceil(15 / 10): one GetParameters of 10 names, one of 5
    [InlineData(false, 40)] // 20 groups × 2
    public async Task TwentyGroupsInFiveNamespaces_SharingFifteenValues_CostCeilMOverBatchCallsPerInterval(bool sharedReads, int callsPerInterval)
    {
        // The integration's token bucket refills on the fake clock: room for the 40 calls an interval costs without sharing.
        await using var s = await SharedSsm.StartAsync(sharedReads, ssi => ssi.Spec.RateLimit = new RateLimitSpec { Qps = 100, Burst = 100 });
        var keys = SharedSsm.SeedShared(s.Fake, 15);
        foreach (var ns in Namespaces)
        {
            await s.H.CreateNamespaceAsync(ns);
        }

        var before = s.Reads;
        foreach (var (ns, name) in Groups)
        {
            await s.CreateGroupAsync(ns, name, keys);
        }

        await s.WaitForSyncsAsync(Groups);
        var first = s.Reads - before;
        await AssertValuesAsync(s, "v1-KEY_15");

        // The next interval: every group is due again, and the store has a new value for all of them.
        SharedSsm.SeedShared(s.Fake, 15, "v2-");
        var synced = (await s.H.GetGroupAsync(Groups[^1].Ns, Groups[^1].Name))!.Status!.LastSyncTime;
        before = s.Reads;
        await s.H.AdvanceAsync(SharedSsm.OneInterval);
        await s.WaitForSyncsAsync(Groups, synced);
        var second = s.Reads - before;
        await AssertValuesAsync(s, "v2-KEY_15");

        // A new group's first sync reads for itself (it may have been re-created for a value just changed); every
        // refresh after it shares.
        output.WriteLine($"shared reads {(sharedReads ? "on" : "off")}: {first} GetParameters calls for the first syncs, {second} for the next interval");
        Assert.Equal((40, callsPerInterval), (first, second));
    }

    [Fact]
    public async Task GroupInANamespaceTheIntegrationDoesNotAdmit_GetsNothing_EvenWhileTheValuesAreShared()
    {
        await using var s = await SharedSsm.StartAsync(customize: ssi => ssi.Spec.Access!.Namespaces = ["team-1"]);
        var keys = SharedSsm.SeedShared(s.Fake, 3);
        await s.H.CreateNamespaceAsync("team-1");
        await s.H.CreateNamespaceAsync("intruder");
        await s.CreateGroupAsync("team-1", "admitted", keys);
        await s.H.WaitForGroupAsync("team-1", "admitted", "True", "Synced");
        var reads = s.Reads;

        await s.CreateGroupAsync("intruder", "outsider", keys);

        var refused = await s.H.WaitForGroupAsync("intruder", "outsider", "False", "AccessDenied");
        Assert.Contains("spec.access.namespaces", refused.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        Assert.Null(await s.H.GetSecretAsync("intruder", "outsider"));
        Assert.Equal(reads, s.Reads);
    }

    [Fact]
    public async Task SamePath_OnAnotherIntegration_IsReadFromThatIntegrationsStore_NotFromTheShared()
    {
        await using var s = await SharedSsm.StartAsync();
        await using var other = await SsmFake.StartAsync();
        var keys = SharedSsm.SeedShared(s.Fake, 2, "first-");
        SharedSsm.SeedShared(other, 2, "second-");
        await s.CreateIntegrationAsync("aws-ssm-2", other);
        await s.H.WaitForIntegrationAsync("aws-ssm-2");
        var otherReads = other.CallCount("GetParameters");
        await s.H.CreateNamespaceAsync("team-1");
        await s.CreateGroupAsync("team-1", "on-first", keys);
        await s.H.WaitForGroupAsync("team-1", "on-first", "True", "Synced");

        await s.CreateGroupAsync("team-1", "on-second", keys, "acme:aws:my-aws:secret-store:aws-ssm-2");

        await s.H.WaitForGroupAsync("team-1", "on-second", "True", "Synced");
        Assert.Equal("first-KEY_01", await s.ValueAsync("team-1", "on-first", "KEY_01"));
        Assert.Equal("second-KEY_01", await s.ValueAsync("team-1", "on-second", "KEY_01"));
        Assert.Equal(1, other.CallCount("GetParameters") - otherReads);
    }

    private static async Task AssertValuesAsync(SharedSsm s, string expected)
    {
        foreach (var (ns, name) in Groups)
        {
            Assert.Equal(expected, await s.ValueAsync(ns, name, "KEY_15"));
        }
    }
}
