using Microsoft.Extensions.Time.Testing;
using Operator.Stores;
using Operator.Testing.Stores.Aws;
using SsmStores = Operator.Tests.Stores.SsmStoreConformanceTests.SsmStores;

namespace Operator.Tests.Stores;

/// <summary>The integration's token bucket paces SSM calls, and the retry absorbs SSM's own throttling while it can.</summary>
public sealed class SsmRateLimitTests
{
    [Fact]
    public async Task TokenBucket_KeepsABurstOfCalls_WithinQpsAndBurst()
    {
        const double qps = 5;
        const int burst = 5;
        const int reads = 25;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var fake = await SsmFake.StartAsync(time);
        await using var store = SsmStores.Create(SsmStores.Integration(fake), SsmStores.Keys(), new TokenBucket(qps, burst, time), time: time);
        var start = time.GetUtcNow();

        // One call per read: each reads a single name.
        var all = Task.WhenAll(Enumerable.Range(0, reads).Select(i => store.ReadAsync($"/tfy-secret/acme/g/K{i}", CancellationToken.None)));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!all.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        await all;
        var calls = fake.Calls.Select(c => (c.At - start).TotalSeconds).Order().ToList();
        Assert.Equal(reads, calls.Count);
        for (var k = 0; k < calls.Count; k++)
        {
            // By time t at most burst + qps*t calls can have been let through.
            Assert.True(k + 1 <= burst + (qps * calls[k]) + 1e-9, $"call {k + 1} at {calls[k]:F2}s exceeds {burst} + {qps}/s");
        }

        Assert.True(calls[^1] >= (reads - burst) / qps - 0.05, $"the last call came at {calls[^1]:F2}s, sooner than the bucket allows");
    }

    [Fact]
    public async Task ThrottlingBySsm_IsAbsorbedByTheRetry_WhileTheBudgetLasts()
    {
        await using var fake = await SsmFake.StartAsync();
        for (var i = 0; i < 12; i++)
        {
            fake.Seed($"/tfy-secret/acme/g/K{i}", $"v{i}");
        }

        fake.ThrottleAtTps(20);
        var retry = new StoreRetry(TimeProvider.System, maxAttempts: 10, baseDelay: TimeSpan.FromMilliseconds(50), maxDelay: TimeSpan.FromSeconds(1));
        await using var store = SsmStores.Create(SsmStores.Integration(fake), SsmStores.Keys(), retry: retry);

        var values = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => store.ReadAsync($"/tfy-secret/acme/g/K{i % 12}", CancellationToken.None)));

        Assert.All(values.Select((v, i) => (v, i)), p => Assert.Equal($"v{p.i % 12}", p.v!.Text()));
        Assert.Contains(fake.Calls, c => c.Status == 400); // SSM did throttle some calls
    }

    [Fact]
    public async Task ThrottlingBySsm_SurfacesAsThrottled_WhenItOutlastsTheBudget()
    {
        await using var fake = await SsmFake.StartAsync();
        fake.Seed("/tfy-secret/acme/g/K", "v");
        fake.ThrottleNext(100);
        var retry = new StoreRetry(TimeProvider.System, maxAttempts: 3, baseDelay: TimeSpan.FromMilliseconds(1));
        await using var store = SsmStores.Create(SsmStores.Integration(fake), SsmStores.Keys(), retry: retry);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync("/tfy-secret/acme/g/K", CancellationToken.None));

        Assert.Equal(StoreErrorKind.Throttled, e.Kind);
        Assert.Equal("StoreThrottled", e.Reason);
        Assert.Equal(3, fake.CallCount("GetParameters"));
    }
}
