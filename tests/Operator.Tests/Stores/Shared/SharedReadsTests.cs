using System.Diagnostics.Metrics;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Operator.Entities.V1Alpha1;
using Operator.Observability;
using Operator.Runtime;
using Operator.Stores;

namespace Operator.Tests.Stores.Shared;

/// <summary>Issue 20.6: the shared reads' rules, on a store that counts its calls and a fake clock.</summary>
public sealed class SharedReadsTests : IDisposable
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly OperatorMetrics metrics;
    private readonly CountingStore store = new();

    public SharedReadsTests()
    {
        metrics = new OperatorMetrics(services.GetRequiredService<IMeterFactory>(), new EmptyCache<V1Secret>(), new Leader(), new EmptyCache<SecretGroup>(), time);
        for (var i = 0; i < 30; i++)
        {
            store.Values[$"/p{i:D2}"] = $"value-{i}";
        }
    }

    public void Dispose()
    {
        metrics.Dispose();
        services.Dispose();
    }

    private SharedReads Shared(Action<SharedReadOptions>? configure = null)
    {
        var options = new SharedReadOptions();
        configure?.Invoke(options);
        return new SharedReads(Options.Create(options), metrics, time);
    }

    private static string[] Paths(int from, int count) => [.. Enumerable.Range(from, count).Select(i => $"/p{i:D2}")];

    [Fact]
    public async Task ConcurrentReadsOfOneValue_MakeOneCall_AndBothGetIt()
    {
        using var shared = Shared();
        store.Hold();

        var first = shared.ReadManyAsync(store, Paths(0, 3), Hour, fresh: false, CancellationToken.None);
        var second = shared.ReadManyAsync(store, Paths(0, 3), Hour, fresh: false, CancellationToken.None);
        store.Release();

        Assert.Equal("value-2", Text((await first)["/p02"]));
        Assert.Equal("value-2", Text((await second)["/p02"]));
        Assert.Single(store.Calls);
    }

    [Fact]
    public async Task AReadStartedLongerAgoThanTheMaxAge_IsNotJoined()
    {
        // Found by ChaosTests: a read held up under faults answered, after the store changed and the clock moved an
        // interval on, a sync that had joined it with the value from before.
        using var shared = Shared();
        store.Hold();
        var old = shared.ReadManyAsync(store, Paths(0, 1), Hour, false, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(6));

        var late = shared.ReadManyAsync(store, Paths(0, 1), Hour, false, CancellationToken.None);
        store.Release();
        await Task.WhenAll(old, late);

        Assert.Equal(2, store.Calls.Count);
    }

    [Fact]
    public async Task AGroupWithSomeValuesShared_ReadsOnlyTheMisses_InTheStoresBatches()
    {
        using var shared = Shared();
        await shared.ReadManyAsync(store, Paths(0, 5), Hour, false, CancellationToken.None);

        var values = await shared.ReadManyAsync(store, Paths(0, 20), Hour, false, CancellationToken.None);

        Assert.Equal(20, values.Count);
        Assert.Equal([5, 10, 5], store.Calls.Select(c => c.Count));
        Assert.Equal(Paths(5, 15), store.Calls.Skip(1).SelectMany(c => c));
    }

    [Fact]
    public async Task AValueIsShared_ForTheWindow_OrTheGroupsShorterInterval_ThenReadAgain()
    {
        using var shared = Shared(o => o.Window = TimeSpan.FromMinutes(5));
        await shared.ReadManyAsync(store, Paths(0, 1), Hour, false, CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(2));
        await shared.ReadManyAsync(store, Paths(0, 1), Hour, false, CancellationToken.None); // within the window
        await shared.ReadManyAsync(store, Paths(0, 1), TimeSpan.FromMinutes(1), false, CancellationToken.None); // older than this group's interval
        Assert.Equal(2, store.Calls.Count);

        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal(0, shared.Count); // expired on the clock, nothing read meanwhile
        await shared.ReadManyAsync(store, Paths(0, 1), Hour, false, CancellationToken.None);
        Assert.Equal(3, store.Calls.Count);
    }

    [Fact]
    public async Task AFreshRead_GoesToTheStore_AndServesTheNextReads()
    {
        using var shared = Shared();
        await shared.ReadManyAsync(store, Paths(0, 1), Hour, false, CancellationToken.None);
        store.Values["/p00"] = "rotated";

        var forced = await shared.ReadManyAsync(store, Paths(0, 1), Hour, fresh: true, CancellationToken.None);
        var next = await shared.ReadManyAsync(store, Paths(0, 1), Hour, fresh: false, CancellationToken.None);

        Assert.Equal(("rotated", "rotated"), (Text(forced["/p00"]), Text(next["/p00"])));
        Assert.Equal(2, store.Calls.Count);
    }

    [Fact]
    public async Task AFailedRead_IsSharedWithItsWaiters_ButNeverKept()
    {
        using var shared = Shared();
        store.Hold();
        store.Fail = new SecretStoreException(StoreErrorKind.Unavailable, "HTTP 503");
        var first = shared.ReadManyAsync(store, Paths(0, 2), Hour, false, CancellationToken.None);
        var waiter = shared.ReadManyAsync(store, Paths(0, 2), Hour, false, CancellationToken.None);
        store.Release();

        await Assert.ThrowsAsync<SecretStoreException>(() => first);
        await Assert.ThrowsAsync<SecretStoreException>(() => waiter);
        store.Fail = null;
        var recovered = await shared.ReadManyAsync(store, Paths(0, 2), Hour, false, CancellationToken.None);

        Assert.Equal("value-1", Text(recovered["/p01"]));
        Assert.Equal(2, store.Calls.Count);
    }

    [Fact]
    public async Task AWaiterWhoseReaderWasCancelled_ReadsItself()
    {
        using var shared = Shared();
        store.Hold();
        using var cancel = new CancellationTokenSource();
        var cancelled = shared.ReadManyAsync(store, Paths(0, 1), Hour, false, cancel.Token);
        var waiter = shared.ReadManyAsync(store, Paths(0, 1), Hour, false, CancellationToken.None);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await WaitUntilAsync(() => store.Calls.Count == 2);
        store.Release();

        Assert.Equal("value-0", Text((await waiter)["/p00"]));
    }

    [Fact]
    public async Task AWriteThroughTheGroupsLocations_ForgetsThePath()
    {
        using var shared = Shared();
        await shared.ReadManyAsync(store, ["/g/KEY"], Hour, false, CancellationToken.None);
        var resolved = new Operator.Controllers.ResolvedGroup(new SecretStoreIntegration(), new Operator.References.IntegrationFqn("acme", new Operator.References.Provider("aws"), "a", "i"), "g", Hour, new SyncInputs());
        var locations = new Operator.Controllers.GroupStoreLocations(store, shared, resolved, new Operator.References.GroupFqn("acme", "g"));

        await locations.WriteAsync("KEY", "new"u8.ToArray(), CancellationToken.None);
        var read = await shared.ReadManyAsync(store, ["/g/KEY"], Hour, false, CancellationToken.None);

        Assert.Equal("new", Text(read["/g/KEY"]));
        Assert.Equal(2, store.Calls.Count);
    }

    [Fact]
    public async Task AReplacedClientsValues_AreForgotten_AndNeverServeAnotherClient()
    {
        using var shared = Shared();
        var other = new CountingStore();
        other.Values["/p00"] = "other store";
        await shared.ReadManyAsync(store, Paths(0, 3), Hour, false, CancellationToken.None);

        var fromOther = await shared.ReadManyAsync(other, Paths(0, 1), Hour, false, CancellationToken.None);
        shared.Forget(store);

        Assert.Equal("other store", Text(fromOther["/p00"]));
        Assert.Equal(1, shared.Count);
    }

    [Fact]
    public async Task EntriesAndBytes_AreCapped_OldestReadEvictedFirst_AndCounted()
    {
        using var evictions = new MetricCollector<long>(services.GetRequiredService<IMeterFactory>(), OperatorMetrics.MeterName, "secretgroup_shared_read_evictions_total");
        using var shared = Shared(o => o.MaxEntries = 3);
        await shared.ReadManyAsync(store, Paths(0, 5), Hour, false, CancellationToken.None);

        await shared.ReadManyAsync(store, Paths(2, 3), Hour, false, CancellationToken.None); // the newest three are kept
        await shared.ReadManyAsync(store, Paths(0, 1), Hour, false, CancellationToken.None); // the oldest is gone

        Assert.Equal(2, store.Calls.Count);
        Assert.Equal(3, shared.Count);
        Assert.Equal(3, evictions.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.All(evictions.GetMeasurementSnapshot(), m => Assert.Equal(["reason"], m.Tags.Keys));

        using var tiny = Shared(o => o.MaxMebibytes = 1);
        store.Values["/big"] = new string('x', 2 * 1024 * 1024);
        await tiny.ReadManyAsync(store, ["/big", "/p00"], Hour, false, CancellationToken.None);
        Assert.Equal(1, tiny.Count); // a value over the cap is handed out, not kept
        Assert.InRange(tiny.Bytes, 1, 1024);
    }

    [Fact]
    public async Task Off_EveryReadGoesToTheStore_InBatches()
    {
        using var shared = Shared(o => o.Enabled = false);

        await shared.ReadManyAsync(store, Paths(0, 15), Hour, false, CancellationToken.None);
        await shared.ReadManyAsync(store, Paths(0, 15), Hour, false, CancellationToken.None);

        Assert.Equal([10, 5, 10, 5], store.Calls.Select(c => c.Count));
    }

    [Fact]
    public async Task HitsMissesAndCoalescedReads_AreCounted_WithoutPathsOrKeys()
    {
        using var reads = new MetricCollector<long>(services.GetRequiredService<IMeterFactory>(), OperatorMetrics.MeterName, "secretgroup_shared_reads_total");
        using var shared = Shared();
        await shared.ReadManyAsync(store, Paths(0, 4), Hour, false, CancellationToken.None);
        await shared.ReadManyAsync(store, Paths(0, 6), Hour, false, CancellationToken.None);

        var byResult = reads.GetMeasurementSnapshot().GroupBy(m => (string)m.Tags["result"]!).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.Equal(new Dictionary<string, long> { ["miss"] = 6, ["hit"] = 4 }, byResult);
        Assert.All(reads.GetMeasurementSnapshot(), m => Assert.Equal(["result"], m.Tags.Keys));
    }

    private static string Text(StoreValue value) => System.Text.Encoding.UTF8.GetString(value.Value.Span);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // The cancelled reader gives up its flight on another thread; the waiter then reads on its own.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private sealed class Leader : ILeaderStatus
    {
        public bool IsLeader => true;
    }
}
