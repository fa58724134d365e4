using System.Diagnostics;
using k8s;
using k8s.Models;
using Operator.Testing.Kube;

namespace Operator.Runtime.Tests.Integration;

/// <summary>Two operator replicas on one API server: only the leader reconciles, and leadership moves on crash and on stop.</summary>
public sealed class LeaderElectionTests(ITestOutputHelper output)
{
    private const string Ns = "election-it";
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(0.25);

    /// <summary>Slack for thread-pool scheduling on a busy test machine; the protocol bound itself is below.</summary>
    private static readonly TimeSpan SchedulingTolerance = TimeSpan.FromSeconds(0.75);

    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task OnlyTheLeaderReconciles_AndACrashedLeaderIsReplacedWithinLeaseDurationPlusRetryPeriod()
    {
        await using var kube = await KubeApiEmulator.StartAsync(cancellationToken: ct);
        using var client = kube.CreateClient();
        var items = await SetUpAsync(client, count: 5);
        await using var a = await StartReplicaAsync(kube, "replica-a");
        await Wait.ForAsync(() => a.Health.IsLeader, "replica-a to lead");
        await using var b = await StartReplicaAsync(kube, "replica-b");
        await Wait.ForAsync(() => b.Health.CachesSynced, "replica-b caches to sync");
        await WaitForCopiesAsync(client, 5);

        // New work while both run goes to the leader only.
        for (var i = 5; i < 8; i++)
        {
            await items.CreateAsync(TestItemCrd.Item(Ns, $"item-{i}", $"value-{i}"), ct);
        }

        await WaitForCopiesAsync(client, 8);
        await WaitForLeaseChecksAsync(kube, 8);
        Assert.False(b.Health.IsLeader);
        Assert.Equal(0, b.Reconciles.Count);
        Assert.True(a.Reconciles.Count >= 8);
        output.WriteLine($"before the crash: replica-a reconciled {a.Reconciles.Count} times, replica-b {b.Reconciles.Count}");

        // Crash: replica-a stops talking to the API server at once and never releases the Lease.
        var clock = Stopwatch.StartNew();
        await a.CrashAsync();
        Assert.Equal("replica-a", await HolderAsync(client));
        await Wait.ForAsync(() => b.Health.IsLeader, "replica-b to take over", TimeSpan.FromSeconds(10));
        var takeover = clock.Elapsed;
        output.WriteLine($"takeover after a crash: {takeover.TotalMilliseconds:F0} ms (lease {LeaseDuration.TotalMilliseconds} ms, retry {RetryPeriod.TotalMilliseconds} ms)");

        // The follower waits a full LeaseDuration from its last sight of a renewal (at most a RetryPeriod or so before the
        // crash) and notices the expiry on its next try. A released Lease would be taken within about one RetryPeriod,
        // so half a LeaseDuration is a safe floor that still tells the two apart.
        Assert.True(takeover >= LeaseDuration / 2, $"took over after {takeover}: the Lease must not have been released");
        Assert.True(takeover <= LeaseDuration + RetryPeriod + SchedulingTolerance, $"took over after {takeover}");
        Assert.Equal("replica-b", await HolderAsync(client));

        // The new leader looks at everything once and handles new work.
        await items.CreateAsync(TestItemCrd.Item(Ns, "item-8", "value-8"), ct);
        await WaitForCopiesAsync(client, 9);
        await Wait.ForAsync(() => b.Reconciles.Count >= 9, "replica-b to reconcile every item");
    }

    [Fact]
    public async Task AGracefulStop_HandsTheLeaseOverFasterThanTheLeaseDuration()
    {
        await using var kube = await KubeApiEmulator.StartAsync(cancellationToken: ct);
        using var client = kube.CreateClient();
        await SetUpAsync(client, count: 3);
        await using var a = await StartReplicaAsync(kube, "replica-a");
        await Wait.ForAsync(() => a.Health.IsLeader, "replica-a to lead");
        await using var b = await StartReplicaAsync(kube, "replica-b");
        await Wait.ForAsync(() => b.Health.CachesSynced, "replica-b caches to sync");
        await WaitForCopiesAsync(client, 3);
        await WaitForLeaseChecksAsync(kube, 4);
        Assert.Equal(0, b.Reconciles.Count);

        var clock = Stopwatch.StartNew();
        await a.StopAsync();
        await Wait.ForAsync(() => b.Health.IsLeader, "replica-b to take over", TimeSpan.FromSeconds(10));
        var takeover = clock.Elapsed;
        output.WriteLine($"takeover after a graceful stop: {takeover.TotalMilliseconds:F0} ms (lease {LeaseDuration.TotalMilliseconds} ms)");

        Assert.True(takeover < LeaseDuration, $"took over after {takeover}");
        Assert.Equal("replica-b", await HolderAsync(client));
        await Wait.ForAsync(() => b.Reconciles.Count >= 3, "replica-b to reconcile every item");
    }

    private async Task<ResourceClient<TestItem>> SetUpAsync(IKubernetes client, int count)
    {
        await TestItemCrd.InstallAsync(client, ct);
        await Setup.CreateNamespaceAsync(client, Ns);
        var items = new ResourceClient<TestItem>(client);
        for (var i = 0; i < count; i++)
        {
            await items.CreateAsync(TestItemCrd.Item(Ns, $"item-{i}", $"value-{i}"), ct);
        }

        return items;
    }

    private Task<OperatorInstance> StartReplicaAsync(KubeApiEmulator kube, string identity) =>
        OperatorInstance.StartAsync(
            kube,
            Ns,
            o =>
            {
                o.LeaderElection.Identity = identity;
                o.LeaderElection.LeaseNamespace = Ns;
                o.LeaderElection.LeaseDuration = LeaseDuration;
                o.LeaderElection.RenewDeadline = RenewDeadline;
                o.LeaderElection.RetryPeriod = RetryPeriod;
            },
            output,
            identity);

    private async Task WaitForCopiesAsync(IKubernetes client, int count) =>
        await Wait.ForAsync(
            async () => (await client.CoreV1.ListNamespacedConfigMapAsync(Ns, cancellationToken: ct)).Items.Count(c => c.Metadata.Name.EndsWith("-copy", StringComparison.Ordinal)) == count,
            $"{count} copies");

    /// <summary>Lets the follower try for the Lease several times, so "it did not reconcile" means something.</summary>
    private static async Task WaitForLeaseChecksAsync(KubeApiEmulator kube, int more)
    {
        static int LeaseReads(KubeApiEmulator k) => k.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/leases/", StringComparison.Ordinal));
        var target = LeaseReads(kube) + more;
        await Wait.ForAsync(() => LeaseReads(kube) >= target, "more Lease reads");
    }

    private async Task<string?> HolderAsync(IKubernetes client) =>
        (await client.CoordinationV1.ReadNamespacedLeaseAsync("secretgroup-operator", Ns, cancellationToken: ct)).Spec.HolderIdentity;
}
