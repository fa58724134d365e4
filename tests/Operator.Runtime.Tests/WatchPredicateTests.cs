using k8s.Models;

namespace Operator.Runtime.Tests;

/// <summary>A declared watch enqueues the mapped keys of the events its predicate lets through, and no others.</summary>
public sealed class WatchPredicateTests
{
    private readonly List<ObjectKey> enqueued = [];

    private static IEnumerable<ObjectKey> Owner(V1Secret secret) =>
        secret.Metadata.Labels?.TryGetValue("owner", out var owner) == true ? [new ObjectKey(secret.Metadata.NamespaceProperty, owner)] : [];

    private static V1Secret Secret(string owner, string resourceVersion, string? phase = null)
    {
        var secret = Build.Secret("ns", "s", resourceVersion);
        secret.Metadata.Labels = new Dictionary<string, string> { ["owner"] = owner };
        secret.Metadata.Annotations = phase is null ? null : new Dictionary<string, string> { ["phase"] = phase };
        return secret;
    }

    [Fact]
    public void Changed_LetsThroughOnlyUpdatesThatChangeTheProjection()
    {
        var handler = new EnqueueMapped<V1Secret>(Owner, WatchPredicate.Changed<V1Secret, string?>(s => s.Metadata.Annotations?["phase"]), enqueued.Add);

        handler.OnUpdated(Secret("a", "1", "x"), Secret("a", "2", "x"));
        Assert.Empty(enqueued);

        handler.OnUpdated(Secret("a", "2", "x"), Secret("a", "3", "y"));
        Assert.Equal([new ObjectKey("ns", "a")], enqueued);
    }

    [Fact]
    public void AnUpdateThatPasses_EnqueuesTheOldAndTheNewMapping()
    {
        var handler = new EnqueueMapped<V1Secret>(Owner, WatchPredicate.All<V1Secret>(), enqueued.Add);

        handler.OnUpdated(Secret("a", "1"), Secret("b", "2"));

        Assert.Equal(["ns/a", "ns/b"], enqueued.Select(k => k.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AddsAndDeletes_FollowTheirOwnFunctions()
    {
        var handler = new EnqueueMapped<V1Secret>(Owner, new WatchPredicate<V1Secret> { Added = _ => false, Deleted = s => s.Metadata.Labels["owner"] == "b" }, enqueued.Add);

        handler.OnAdded(Secret("a", "1"));
        handler.OnDeleted(Secret("a", "1"));
        handler.OnDeleted(Secret("b", "1"));

        Assert.Equal([new ObjectKey("ns", "b")], enqueued);
    }
}
