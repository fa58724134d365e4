using System.Globalization;
using k8s;
using k8s.Models;
using Operator.Testing.Kube;

namespace Operator.Testing.Tests;

public sealed class WatchTests
{
    [Fact]
    public async Task Watch_WithoutResourceVersion_StartsWithAddedForExistingObjects()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateSecretAsync("existing");

        var events = await CollectAsync(Watch(kube), count: 1);

        Assert.Equal((WatchEventType.Added, "existing"), Assert.Single(events));
    }

    [Fact]
    public async Task Watch_FromResourceVersion_ReplaysLaterChangesInOrder()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateSecretAsync("a");
        var from = (await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct)).Metadata.ResourceVersion;
        await kube.CreateSecretAsync("b");
        await kube.Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"metadata":{"labels":{"x":"y"}}}""", V1Patch.PatchType.MergePatch), "a", kube.Namespace, cancellationToken: TestKube.Ct);
        await kube.Client.CoreV1.DeleteNamespacedSecretAsync("b", kube.Namespace, cancellationToken: TestKube.Ct);

        var events = await CollectAsync(Watch(kube, resourceVersion: from), count: 3);
        var legacy = await CollectAsync(LegacyWatch(kube, resourceVersion: from), count: 3);

        Assert.Equal([(WatchEventType.Added, "b"), (WatchEventType.Modified, "a"), (WatchEventType.Deleted, "b")], events);
        Assert.Equal(events, legacy);
    }

    [Fact]
    public async Task Watch_SeesLiveChanges_FilteredByLabelSelector()
    {
        await using var kube = await TestKube.StartAsync();
        var watch = CollectAsync(Watch(kube, labelSelector: "app=web"), count: 3);
        await kube.CreateSecretAsync("ignored", new Dictionary<string, string> { ["app"] = "db" });
        await kube.CreateSecretAsync("seen", new Dictionary<string, string> { ["app"] = "web" });
        await kube.Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"metadata":{"labels":{"app":"db"}}}""", V1Patch.PatchType.MergePatch), "seen", kube.Namespace, cancellationToken: TestKube.Ct);
        await kube.Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"metadata":{"labels":{"app":"web"}}}""", V1Patch.PatchType.MergePatch), "ignored", kube.Namespace, cancellationToken: TestKube.Ct);

        // "seen" leaving the selector is a DELETED event; "ignored" entering it is ADDED.
        Assert.Equal([(WatchEventType.Added, "seen"), (WatchEventType.Deleted, "seen"), (WatchEventType.Added, "ignored")], await watch);
    }

    [Fact]
    public async Task Watch_WithBookmarksAllowed_ReceivesBookmark()
    {
        await using var kube = await TestKube.StartAsync(new KubeApiEmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(50) });
        var rv = (await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct)).Metadata.ResourceVersion;

        var events = await CollectAsync(Watch(kube, resourceVersion: rv, bookmarks: true), count: 1, keepItems: true);

        var (type, bookmark) = Assert.Single(events);
        Assert.Equal(WatchEventType.Bookmark, type);
        Assert.True(long.Parse(bookmark) >= long.Parse(rv));
    }

    [Fact]
    public async Task Watch_FromCompactedResourceVersion_Gets410GoneOnTheStream()
    {
        await using var kube = await TestKube.StartAsync();
        var old = (await kube.CreateSecretAsync("a")).Metadata.ResourceVersion;
        await kube.CreateSecretAsync("b");
        kube.Emulator.CompactHistory();
        var errors = new List<Exception>();

        var events = await CollectAsync(Watch(kube, resourceVersion: old), count: int.MaxValue, onError: errors.Add);

        Assert.Empty(events);
        var gone = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal(410, gone.Status.Code);
        Assert.Equal("Expired", gone.Status.Reason);
    }

    [Fact]
    public async Task Watch_FromBeyondTheHistoryLimit_Gets410Gone()
    {
        await using var kube = await TestKube.StartAsync(new KubeApiEmulatorOptions { WatchHistoryLimit = 2 });
        var old = (await kube.CreateSecretAsync("a")).Metadata.ResourceVersion;
        await kube.CreateSecretAsync("b");
        await kube.CreateSecretAsync("c");
        await kube.CreateSecretAsync("d");
        var errors = new List<Exception>();

        await CollectAsync(Watch(kube, resourceVersion: old), count: int.MaxValue, onError: errors.Add);
        var recent = await CollectAsync(Watch(kube, resourceVersion: (await kube.Client.CoreV1.ReadNamespacedSecretAsync("c", kube.Namespace, cancellationToken: TestKube.Ct)).Metadata.ResourceVersion), count: 1);

        Assert.Equal(410, Assert.IsType<KubernetesException>(Assert.Single(errors)).Status.Code);
        Assert.Equal([(WatchEventType.Added, "d")], recent);
    }

    [Fact]
    public async Task Watch_FromTheVersionCompactHistoryReturns_ReplaysEveryLaterChange_AndOneBeforeGets410()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateSecretAsync("a");
        var floor = kube.Emulator.CompactHistory();
        await kube.CreateSecretAsync("b");
        var errors = new List<Exception>();

        var replayed = await CollectAsync(Watch(kube, resourceVersion: floor), count: 1);
        await CollectAsync(Watch(kube, resourceVersion: (long.Parse(floor, CultureInfo.InvariantCulture) - 1).ToString(CultureInfo.InvariantCulture)), count: int.MaxValue, onError: errors.Add);

        Assert.Equal([(WatchEventType.Added, "b")], replayed);
        Assert.Equal(410, Assert.IsType<KubernetesException>(Assert.Single(errors)).Status.Code);
    }

    [Fact]
    public async Task Watch_FromCurrentResourceVersion_AfterCompaction_StillWorks()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateSecretAsync("a");
        kube.Emulator.CompactHistory();
        var rv = (await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct)).Metadata.ResourceVersion;
        var watch = CollectAsync(Watch(kube, resourceVersion: rv), count: 1);
        await kube.CreateSecretAsync("b");

        Assert.Equal([(WatchEventType.Added, "b")], await watch);
    }

    [Fact]
    public async Task DropWatches_EndsOpenStreams()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateSecretAsync("a");
        var closed = new TaskCompletionSource();
        var added = new TaskCompletionSource();
        using var watcher = kube.Client.CoreV1.WatchListNamespacedSecret(kube.Namespace, onEvent: (_, _) => added.TrySetResult(), onClosed: () => closed.TrySetResult());
        await added.Task.WaitAsync(TimeSpan.FromSeconds(5), TestKube.Ct);

        kube.Emulator.DropWatches();

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5), TestKube.Ct);
    }

    private static Func<Action<Exception>?, CancellationToken, IAsyncEnumerable<(WatchEventType, V1Secret)>> Watch(
        TestKube kube, string? resourceVersion = null, string? labelSelector = null, bool bookmarks = false) =>
        (onError, ct) => kube.Client.CoreV1.WatchListNamespacedSecretAsync(kube.Namespace, resourceVersion: resourceVersion,
            labelSelector: labelSelector, allowWatchBookmarks: bookmarks ? true : null, onError: onError, cancellationToken: ct);

    // The older Task<HttpOperationResponse>-based helpers still ship and other code uses them.
#pragma warning disable CS0618
    private static Func<Action<Exception>?, CancellationToken, IAsyncEnumerable<(WatchEventType, V1Secret)>> LegacyWatch(TestKube kube, string? resourceVersion = null) =>
        (onError, ct) => kube.Client.CoreV1.ListNamespacedSecretWithHttpMessagesAsync(kube.Namespace, watch: true, resourceVersion: resourceVersion, cancellationToken: ct)
            .WatchAsync<V1Secret, V1SecretList>(onError, ct);
#pragma warning restore CS0618

    /// <summary>Reads events until <paramref name="count"/> arrived or the stream ended (names, or resourceVersions with keepItems).</summary>
    private static async Task<List<(WatchEventType Type, string Name)>> CollectAsync(
        Func<Action<Exception>?, CancellationToken, IAsyncEnumerable<(WatchEventType, V1Secret)>> watch, int count, Action<Exception>? onError = null, bool keepItems = false)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestKube.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var events = new List<(WatchEventType, string)>();
        await foreach (var (type, item) in watch(onError, timeout.Token))
        {
            events.Add((type, keepItems ? item.Metadata.ResourceVersion : item.Metadata.Name));
            if (events.Count >= count)
            {
                break;
            }
        }

        return events;
    }
}
