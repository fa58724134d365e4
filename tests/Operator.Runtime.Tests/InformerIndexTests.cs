using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Operator.Runtime.Tests;

public sealed class InformerIndexTests
{
    private const string Team = "team";

    private readonly RecordingHandler handler = new();
    private readonly ResourceInformer<V1Secret> informer;

    public InformerIndexTests()
    {
        informer = new ResourceInformer<V1Secret>(
            new FakeListWatcher(),
            new FakeTimeProvider(),
            new FakeLogger(),
            [new CacheIndex<V1Secret>(Team, s => s.Metadata.Labels?.TryGetValue(Team, out var t) == true ? t.Split(',') : [])],
            new CacheTransform<V1Secret>(s => new V1Secret { Metadata = s.Metadata, Type = s.Type }));
        informer.AddHandler(handler);
    }

    private static V1Secret Labelled(string name, string rv, string? team) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "ns",
            ResourceVersion = rv,
            Labels = team is null ? null : new Dictionary<string, string> { [Team] = team },
        },
        Data = new Dictionary<string, byte[]> { ["k"] = [1, 2, 3] },
    };

    private string[] Names(string team) => [.. informer.ByIndex(Team, team).Select(s => s.Metadata.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void Index_FollowsAddsChangesAndDeletes()
    {
        informer.Replace([Labelled("a", "1", "red"), Labelled("b", "1", "red,blue")], "1");
        Assert.Equal(["a", "b"], Names("red"));
        Assert.Equal(["b"], Names("blue"));

        informer.Apply(WatchEventType.Modified, Labelled("a", "2", "blue"));
        Assert.Equal(["b"], Names("red"));
        Assert.Equal(["a", "b"], Names("blue"));

        informer.Apply(WatchEventType.Modified, Labelled("b", "3", null));
        informer.Apply(WatchEventType.Added, Labelled("c", "4", "red"));
        Assert.Equal(["c"], Names("red"));
        Assert.Equal(["a"], Names("blue"));

        informer.Apply(WatchEventType.Deleted, Labelled("a", "5", "blue"));
        Assert.Empty(Names("blue"));
        Assert.Empty(Names("green"));
    }

    [Fact]
    public void Relist_RebuildsTheIndex_DroppingVanishedObjects()
    {
        informer.Replace([Labelled("a", "1", "red"), Labelled("b", "1", "red")], "1");

        informer.Replace([Labelled("b", "2", "blue"), Labelled("c", "2", "red")], "2");

        Assert.Equal(["c"], Names("red"));
        Assert.Equal(["b"], Names("blue"));
    }

    [Fact]
    public void UnknownIndex_IsAProgrammingError_NamingTheIndex()
    {
        var e = Assert.Throws<ArgumentException>(() => informer.ByIndex("colour", "red"));
        Assert.Contains("colour", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transform_ShapesWhatIsCachedAndWhatHandlersSee()
    {
        informer.Replace([Labelled("a", "1", "red")], "1");
        informer.Apply(WatchEventType.Modified, Labelled("a", "2", "red"));
        informer.Apply(WatchEventType.Added, Labelled("b", "3", "red"));

        Assert.All(informer.List(), s => Assert.Null(s.Data));
        Assert.All(informer.ByIndex(Team, "red"), s => Assert.Null(s.Data));
        Assert.Equal(["added a@1", "updated a@1->2", "added b@3"], handler.Seen);
        Assert.All(handler.Objects, s => Assert.Null(s.Data));
    }
}
