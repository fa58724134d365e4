using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

public sealed class IdleHeapTrimTests
{
    private readonly FakeTimeProvider time = new();
    private long allocated;
    private int collections;

    private IdleHeapTrim NewTrim() => new(time, NullLogger.Instance, () => allocated, () => collections++);

    /// <summary>One period of work: <paramref name="bytes"/> allocated, then the sample.</summary>
    private bool Period(IdleHeapTrim trim, long bytes)
    {
        allocated += bytes;
        time.Advance(IdleHeapTrim.Period);
        return trim.Tick();
    }

    [Fact]
    public void ABurstThenAQuietPeriod_CollectsOnce()
    {
        var trim = NewTrim();
        Assert.False(Period(trim, 50L << 20));
        Assert.False(Period(trim, 50L << 20));
        Assert.True(Period(trim, 0));
        Assert.Equal(1, collections);

        // Quiet on: nothing more to return until the next burst.
        for (var i = 0; i < 100; i++)
        {
            Assert.False(Period(trim, 100 << 10));
        }

        Assert.Equal(1, collections);
    }

    [Fact]
    public void WhileWorkGoesOn_NeverCollects()
    {
        var trim = NewTrim();
        for (var i = 0; i < 1_000; i++)
        {
            Period(trim, IdleHeapTrim.QuietBytes);
        }

        Assert.Equal(0, collections);
    }

    [Fact]
    public void ASmallBurst_IsNotWorthACollection()
    {
        var trim = NewTrim();
        Period(trim, IdleHeapTrim.WorthBytes - (1 << 20));
        for (var i = 0; i < 100; i++)
        {
            Period(trim, 0);
        }

        Assert.Equal(0, collections);
    }

    [Fact]
    public void BurstsCloserThanTheMinimumInterval_CollectOnceAMinute()
    {
        var trim = NewTrim();
        var periods = (int)(TimeSpan.FromMinutes(10) / IdleHeapTrim.Period);

        // Every other period a burst, then a quiet one: a trim is due every 10 s, allowed once a minute.
        for (var i = 0; i < periods; i++)
        {
            Period(trim, i % 2 == 0 ? IdleHeapTrim.WorthBytes : 0);
        }

        Assert.InRange(collections, 9, 10);
    }

    [Fact]
    public async Task TheHostedService_SamplesEveryPeriod_OnItsTimeProvider()
    {
        using var trim = NewTrim();
        await trim.StartAsync(TestContext.Current.CancellationToken);
        allocated += IdleHeapTrim.WorthBytes;

        // The timer's continuation runs on the thread pool: each period is sampled before the next one starts.
        time.Advance(IdleHeapTrim.Period);
        Assert.True(SpinWait.SpinUntil(() => trim.Samples == 1, TimeSpan.FromSeconds(30)));
        time.Advance(IdleHeapTrim.Period);
        Assert.True(SpinWait.SpinUntil(() => trim.Samples == 2, TimeSpan.FromSeconds(30)));
        await trim.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, collections);
        Assert.Equal(1, trim.Trims);
    }

    [Fact]
    public async Task Disabled_NeverSamples()
    {
        using var trim = new IdleHeapTrim(enabled: false, time, NullLogger<IdleHeapTrim>.Instance);
        await trim.StartAsync(TestContext.Current.CancellationToken);
        for (var i = 0; i < 100; i++)
        {
            time.Advance(IdleHeapTrim.Period);
        }

        await trim.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, trim.Trims);
    }

    [Fact]
    public void TheRealCollector_RunsAFullCollection()
    {
        var trim = new IdleHeapTrim(enabled: true, time, NullLogger<IdleHeapTrim>.Instance);
        var before = GC.CollectionCount(GC.MaxGeneration);
        var garbage = 0L;
        while (garbage < IdleHeapTrim.WorthBytes + (1 << 20))
        {
            var chunk = new byte[1 << 20];
            garbage += chunk.Length;
            GC.KeepAlive(chunk);
        }

        // Other tests allocate in parallel; a quiet period between two samples taken back to back comes quickly.
        var trimmed = false;
        for (var attempt = 0; attempt < 50 && !trimmed; attempt++)
        {
            time.Advance(IdleHeapTrim.Period);
            trimmed = trim.Tick();
        }

        Assert.True(trimmed);
        Assert.True(GC.CollectionCount(GC.MaxGeneration) > before);
    }
}
