using Operator.Runtime;

namespace Operator.Runtime.Tests;

public sealed class StringPoolTests
{
    [Fact]
    public void EqualStrings_ComeBackAsOneInstance()
    {
        var pool = new StringPool();
        var first = pool.Share(new string("Ready".AsSpan()));

        var second = pool.Share(new string("Ready".AsSpan()));

        Assert.Same(first, second);
    }

    [Fact]
    public void AFullPool_HoldsNoMore_AndLongStringsAreNeverHeld()
    {
        var pool = new StringPool(capacity: 100);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.Equal($"key-{i}", pool.Share($"key-{i}"));
        }

        var path = new string('p', StringPool.MaxLength + 1);
        Assert.Equal(path, pool.Share(path));

        Assert.Equal(100, pool.Count);
        Assert.NotSame(pool.Share(new string("key-9999".AsSpan())), pool.Share(new string("key-9999".AsSpan())));
    }

    /// <summary>Labels and annotations are author-controlled: a map of any size is looked up in bounded time (a linear
    /// scan only up to <see cref="StringPool.CompactMapMax"/> entries, a hash lookup beyond), and reads exactly as given.</summary>
    [Theory]
    [InlineData(StringPool.CompactMapMax, true)]
    [InlineData(StringPool.CompactMapMax + 1, false)]
    [InlineData(5_000, false)]
    public void AnAuthorsManyLabels_AreNeverScannedLinearly(int count, bool compact)
    {
        var labels = Enumerable.Range(0, count).ToDictionary(i => $"label-{i}", i => $"value-{i}");

        var shared = new StringPool().Share(labels)!;

        Assert.Equal(compact, shared is CompactMap);
        Assert.Equal(labels.OrderBy(p => p.Key, StringComparer.Ordinal), shared.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal($"value-{count - 1}", shared[$"label-{count - 1}"]);
    }
}
