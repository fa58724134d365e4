using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

public sealed class InformerTests
{
    private readonly FakeTimeProvider time = new();
    private readonly FakeListWatcher server = new();
    private readonly RecordingHandler handler = new();
    private readonly ResourceInformer<V1Secret> informer;

    public InformerTests()
    {
        informer = new ResourceInformer<V1Secret>(server, time, new FakeLogger());
        informer.AddHandler(handler);
    }

    [Fact]
    public void WatchEvents_AddUpdateAndRemoveCachedObjects()
    {
        informer.Replace([], "1");

        informer.Apply(WatchEventType.Added, Build.Secret("ns", "a", "2"));
        informer.Apply(WatchEventType.Modified, Build.Secret("ns", "a", "3"));
        informer.Apply(WatchEventType.Added, Build.Secret("ns", "b", "4"));
        informer.Apply(WatchEventType.Deleted, Build.Secret("ns", "b", "5"));

        Assert.Equal("3", informer.Get(new ObjectKey("ns", "a"))?.Metadata.ResourceVersion);
        Assert.Null(informer.Get(new ObjectKey("ns", "b")));
        Assert.Equal("5", informer.LastResourceVersion);
        Assert.Equal(["added a@2", "updated a@2->3", "added b@4", "deleted b"], handler.Seen);
    }

    [Fact]
    public void Bookmark_OnlyAdvancesTheResourceVersion()
    {
        informer.Replace([Build.Secret("ns", "a", "2")], "2");
        handler.Seen.Clear();

        informer.Apply(WatchEventType.Bookmark, new V1Secret { Metadata = new V1ObjectMeta { ResourceVersion = "99" } });

        Assert.Equal("99", informer.LastResourceVersion);
        Assert.Single(informer.List());
        Assert.Empty(handler.Seen);
    }

    [Fact]
    public void Relist_RemovesObjectsThatVanished_AndReportsOnlyRealChanges()
    {
        informer.Replace([Build.Secret("ns", "keep", "1"), Build.Secret("ns", "change", "1"), Build.Secret("ns", "vanish", "1")], "1");
        handler.Seen.Clear();

        informer.Replace([Build.Secret("ns", "keep", "1"), Build.Secret("ns", "change", "7"), Build.Secret("ns", "new", "8")], "8");

        Assert.Equal(["change", "keep", "new"], informer.List().Select(s => s.Metadata.Name).Order());
        Assert.Equal(new HashSet<string> { "deleted vanish", "added new@8", "updated change@1->7" }, handler.Seen.ToHashSet());
    }

    [Fact]
    public void List_FiltersByNamespace()
    {
        informer.Replace([Build.Secret("a", "x"), Build.Secret("b", "y"), Build.Secret("b", "z")], "1");

        Assert.Equal(2, informer.List("b").Count);
        Assert.Equal(3, informer.List().Count);
    }

    [Fact]
    public async Task Run_ListsThenWatchesFromTheListVersion_AndIsSynced()
    {
        server.ScriptList("10", Build.Secret("ns", "a", "10"));
        using var stop = new CancellationTokenSource();

        var run = informer.RunAsync(stop.Token);
        var watch = await server.NextSessionAsync();

        Assert.True(informer.HasSynced);
        Assert.Equal("10", watch.ResourceVersion);
        Assert.NotNull(informer.Get(new ObjectKey("ns", "a")));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StreamEndedByServer_ResumesFromTheLastSeenVersion_IncludingBookmarks()
    {
        server.ScriptList("10");
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        var first = await server.NextSessionAsync();
        first.Send(WatchEventType.Added, Build.Secret("ns", "a", "11"));
        first.Send(WatchEventType.Bookmark, new V1Secret { Metadata = new V1ObjectMeta { ResourceVersion = "15" } });
        first.End();
        var second = await server.NextSessionAsync();

        Assert.Equal("15", second.ResourceVersion);
        Assert.Equal(1, server.ListCalls);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task GoneErrorEvent_TriggersARelist()
    {
        server.ScriptList("10", Build.Secret("ns", "old", "10"));
        server.ScriptList("50", Build.Secret("ns", "fresh", "50"));
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        var first = await server.NextSessionAsync();
        first.SendError(FakeListWatcher.Gone());
        first.End();
        var second = await server.NextSessionAsync();

        Assert.Equal(2, server.ListCalls);
        Assert.Equal("50", second.ResourceVersion);
        Assert.Null(informer.Get(new ObjectKey("ns", "old")));
        Assert.NotNull(informer.Get(new ObjectKey("ns", "fresh")));
        Assert.Contains("deleted old", handler.Seen);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task GoneHttpResponse_TriggersARelist()
    {
        server.ScriptList("10");
        server.ScriptList("60");
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        var first = await server.NextSessionAsync();
        first.SendError(new HttpOperationException("gone")
        {
            Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.Gone), string.Empty),
        });
        var second = await server.NextSessionAsync();

        Assert.Equal(2, server.ListCalls);
        Assert.Equal("60", second.ResourceVersion);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task BrokenWatch_ResumesFromTheSameVersion_AfterBackoff()
    {
        server.ScriptList("10");
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        var first = await server.NextSessionAsync();
        first.Send(WatchEventType.Modified, Build.Secret("ns", "a", "12"));
        first.SendError(new IOException("connection reset"));
        var next = server.NextSessionAsync();
        var waited = await AdvanceUntilAsync(() => next.IsCompleted);
        var second = await next;

        Assert.True(waited >= TimeSpan.FromSeconds(0.8), $"resumed after {waited} of backoff");

        Assert.Equal("12", second.ResourceVersion);
        Assert.Equal(1, server.ListCalls);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task WatchEndedAtOnceWithoutEvents_IsRetriedWithBackoff_NotInAHotLoop()
    {
        server.ScriptList("10");
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        (await server.NextSessionAsync()).End();
        var next = server.NextSessionAsync();
        var waited = await AdvanceUntilAsync(() => next.IsCompleted);

        Assert.True(waited >= TimeSpan.FromSeconds(0.8), $"re-watched after {waited}");
        Assert.Equal("10", (await next).ResourceVersion);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task QuietWatchesEndedAfterAWhile_AreResumedAtOnce_WithoutGrowingBackoff()
    {
        server.ScriptList("10");
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        // Each watch lives for minutes without an event and is then closed (e.g. by a proxy's idle timeout): the next
        // one must open without the clock moving, every time.
        for (var i = 0; i < 3; i++)
        {
            var session = await server.NextSessionAsync();
            Assert.Equal("10", session.ResourceVersion);
            time.Advance(TimeSpan.FromMinutes(5));
            session.End();
        }

        Assert.Equal("10", (await server.NextSessionAsync()).ResourceVersion);
        Assert.Equal(1, server.ListCalls);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task FailedList_IsRetriedWithBackoff_AndNotSyncedMeanwhile()
    {
        server.ScriptListFailure(new HttpRequestException("connection refused"));
        server.ScriptList("5");
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        var synced = informer.WaitForSyncAsync(TestContext.Current.CancellationToken);

        var waited = await AdvanceUntilAsync(() => synced.IsCompleted);

        Assert.True(waited >= TimeSpan.FromSeconds(0.8), $"relisted after {waited} of backoff");

        Assert.Equal("5", (await server.NextSessionAsync()).ResourceVersion);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void FailingHandler_DoesNotStopOtherHandlers()
    {
        var second = new RecordingHandler();
        informer.AddHandler(new ThrowingHandler());
        informer.AddHandler(second);

        informer.Apply(WatchEventType.Added, Build.Secret("ns", "a"));

        Assert.Single(second.Seen);
        Assert.NotNull(informer.Get(new ObjectKey("ns", "a")));
    }

    /// <summary>Advances fake time in small steps, yielding to the informer loop, until the condition holds.</summary>
    private async Task<TimeSpan> AdvanceUntilAsync(Func<bool> condition)
    {
        var step = TimeSpan.FromMilliseconds(100);
        var advanced = TimeSpan.Zero;
        for (var i = 0; i < 2000 && !condition(); i++)
        {
            // A real 1 ms yield lets the informer's loop reach its next await; time itself is fake.
            await Task.Delay(1, TestContext.Current.CancellationToken);
            if (condition())
            {
                break;
            }

            time.Advance(step);
            advanced += step;
        }

        Assert.True(condition(), "condition never became true");
        return advanced;
    }

    private sealed class ThrowingHandler : IResourceChangeHandler<V1Secret>
    {
        public void OnAdded(V1Secret entity) => throw new InvalidOperationException("bad handler");

        public void OnUpdated(V1Secret oldEntity, V1Secret newEntity) => throw new InvalidOperationException("bad handler");

        public void OnDeleted(V1Secret entity) => throw new InvalidOperationException("bad handler");
    }
}
