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
}
