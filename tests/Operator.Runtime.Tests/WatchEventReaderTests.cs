using k8s;
using k8s.Models;

namespace Operator.Runtime.Tests;

/// <summary>Watch lines as kube-apiserver writes them (watch.Event JSON: type + object), read by the informer's own reader.</summary>
public sealed class WatchEventReaderTests
{
    [Theory]
    [InlineData("ADDED", WatchEventType.Added)]
    [InlineData("MODIFIED", WatchEventType.Modified)]
    [InlineData("DELETED", WatchEventType.Deleted)]
    public void Event_IsReadAsItsTypeAndObject(string type, WatchEventType expected)
    {
        const string Secret = """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"n","resourceVersion":"42"},"data":{"k":"dg=="}}""";
        var line = $$"""{"type":"{{type}}","object":{{Secret}}}""";

        var read = WatchEventReader.Read<V1Secret>(line);

        Assert.Equal(expected, read.Type);
        Assert.Equal("s", read.Object!.Metadata.Name);
        Assert.Equal("42", read.Object.Metadata.ResourceVersion);
        Assert.Equal("v"u8.ToArray(), read.Object.Data["k"]);
        Assert.Null(read.Status);
    }

    [Fact]
    public void Bookmark_CarriesOnlyTheResourceVersion()
    {
        var read = WatchEventReader.Read<V1Secret>("""{"type":"BOOKMARK","object":{"kind":"Secret","apiVersion":"v1","metadata":{"resourceVersion":"77"}}}""");

        Assert.Equal(WatchEventType.Bookmark, read.Type);
        Assert.Equal("77", read.Object!.Metadata.ResourceVersion);
    }

    [Fact]
    public void Error_IsReadAsTheServersStatus()
    {
        var read = WatchEventReader.Read<V1Secret>(
            """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}""");

        Assert.Equal(WatchEventType.Error, read.Type);
        Assert.Null(read.Object);
        Assert.Equal(410, read.Status!.Code);
        Assert.True(Reflector<V1Secret>.IsGone(new KubernetesException(read.Status)));
    }

    [Theory]
    [InlineData("""{"type":"ADDED","object":{"metadata":{"name":"s"},"data":{"k":"not base64 !"}}}""", "data.k")]
    [InlineData("""{"type":"SOMETHING","object":{}}""", "unknown event type 'SOMETHING'")]
    [InlineData("""{"object":{}}""", "'type'")]
    [InlineData("""{"type":"ADDED"}""", "'object'")]
    [InlineData("""{"type":"ADDED","object":{"metadata":""", "V1Secret")]
    public void UnreadableLine_ThrowsNamingTheKindAndWhatIsWrong(string line, string named)
    {
        var e = Assert.Throws<WatchDecodeException>(() => WatchEventReader.Read<V1Secret>(line));

        Assert.StartsWith("cannot read a watch event of V1Secret: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not base64", e.ToString(), StringComparison.Ordinal);
    }
}
