using k8s.Models;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

public sealed class EventRecorderTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeEventSink sink = new();
    private readonly FakeLogger logger = new();
    private readonly EventRecorder recorder;
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    public EventRecorderTests()
    {
        recorder = new EventRecorder(sink, "pod-1-abcd", time, logger);
    }

    [Fact]
    public async Task FirstEvent_IsCreatedAboutTheObject_InItsNamespace()
    {
        recorder.Record(Build.Secret("team-a", "db"), EventSeverity.Warning, "StoreUnavailable", "Sync", "SSM is throttling; retrying");
        await recorder.DrainAsync(ct);

        var created = Assert.Single(sink.Created);
        Assert.Equal("team-a", created.Metadata.NamespaceProperty);
        Assert.StartsWith("db.", created.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(("Warning", "StoreUnavailable", "Sync", "SSM is throttling; retrying"), (created.Type, created.Reason, created.Action, created.Note));
        Assert.Equal(("secretgroup-operator", "pod-1-abcd"), (created.ReportingController, created.ReportingInstance));
        Assert.Equal(("Secret", "db", "uid-team-a-db"), (created.Regarding.Kind, created.Regarding.Name, created.Regarding.Uid));
        Assert.NotNull(created.EventTime);
    }

    [Fact]
    public async Task Repeats_PatchTheSeriesOnceAtTheSecond_ThenCountInMemory_AndWriteTheFinalCountWhenTheSeriesEnds()
    {
        // client-go tools/events: the second occurrence patches series.count = 2; later ones only count until the
        // finish pass (every 6 minutes) finds the series unseen for 6 minutes and writes its final count.
        var secret = Build.Secret("team-a", "db");
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Sync", "down");
        time.Advance(TimeSpan.FromMinutes(2));
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Sync", "down");
        time.Advance(TimeSpan.FromMinutes(2));
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Sync", "down");
        await recorder.DrainAsync(ct);

        var created = Assert.Single(sink.Created);
        Assert.Equal([2], sink.SeriesUpdates.Select(u => u.Count));
        Assert.Equal((created.Metadata.NamespaceProperty, created.Metadata.Name), (sink.SeriesUpdates[0].Namespace, sink.SeriesUpdates[0].Name));

        var lastSeen = time.GetUtcNow().UtcDateTime;
        time.Advance(TimeSpan.FromMinutes(14)); // finish passes at 6, 12 and 18 minutes; unseen for 6 minutes by the one at 12
        await recorder.DrainAsync(ct);
        Assert.Equal([2, 3], sink.SeriesUpdates.Select(u => u.Count));
        Assert.Equal(lastSeen, sink.SeriesUpdates[^1].LastObserved);

        // The series has ended: the next occurrence is a new Event.
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Sync", "down");
        await recorder.DrainAsync(ct);
        Assert.Equal(2, sink.Created.Count);
    }

    [Fact]
    public async Task AFlood_CostsAtMostOneWritePerRefreshInterval()
    {
        var secret = Build.Secret("team-a", "db");
        for (var second = 0; second < 3600; second++)
        {
            recorder.Record(secret, EventSeverity.Warning, "ReferenceCycle", "Sync", $"attempt {second}");
            time.Advance(TimeSpan.FromSeconds(1));
            if (second % 60 == 0)
            {
                await recorder.DrainAsync(ct);
            }
        }

        await recorder.DrainAsync(ct);

        // One create, the series' first patch, one refresh each 30 minutes: never one write per occurrence.
        Assert.Single(sink.Created);
        Assert.Equal([2, 1800, 3600], sink.SeriesUpdates.Select(u => u.Count));
    }

    [Fact]
    public async Task ExpiredEvent_IsCreatedAgainWithItsSeries()
    {
        var secret = Build.Secret("team-a", "db");
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Sync", "down");
        sink.UpdateNotFound = true;
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Sync", "down");
        await recorder.DrainAsync(ct);

        Assert.Equal(2, sink.Created.Count);
        Assert.Equal(2, sink.Created[^1].Series.Count);

        // The same Event as first created (the recorder keeps its parts, not the object), now with its series.
        var (first, again) = (sink.Created[0], sink.Created[^1]);
        Assert.Equal(
            (first.Metadata.Name, first.Metadata.NamespaceProperty, first.Type, first.Reason, first.Action, first.Note, first.EventTime, first.Regarding.Uid, first.Regarding.Kind, first.ReportingController, first.ReportingInstance),
            (again.Metadata.Name, again.Metadata.NamespaceProperty, again.Type, again.Reason, again.Action, again.Note, again.EventTime, again.Regarding.Uid, again.Regarding.Kind, again.ReportingController, again.ReportingInstance));
        Assert.Null(again.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task DifferentReasonTypeActionOrObject_AreSeparateEvents_ButANewNoteJoinsTheSeries()
    {
        // client-go's eventKey holds type, action, reason, reporting controller/instance and the object, not the note.
        var secret = Build.Secret("team-a", "db");
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Sync", "down");
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Sync", "still down, other cause");
        recorder.Record(secret, EventSeverity.Warning, "AccessDenied", "Sync", "down");
        recorder.Record(secret, EventSeverity.Normal, "StoreUnavailable", "Sync", "down");
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Validate", "down");
        recorder.Record(Build.Secret("team-a", "other"), EventSeverity.Warning, "StoreUnavailable", "Sync", "down");
        await recorder.DrainAsync(ct);

        Assert.Equal(5, sink.Created.Count);
        Assert.Equal([2], sink.SeriesUpdates.Select(u => u.Count));
    }

    [Fact]
    public async Task ClusterScopedObject_GetsItsEventInTheDefaultNamespace()
    {
        recorder.Record(Build.Namespace("team-a"), EventSeverity.Normal, "Labelled", "Label", "ok");
        await recorder.DrainAsync(ct);

        Assert.Equal("default", Assert.Single(sink.Created).Metadata.NamespaceProperty);
    }

    [Fact]
    public async Task SinkFailure_IsLoggedNotThrown_AndLaterEventsStillGoOut()
    {
        sink.FailNext = true;
        recorder.Record(Build.Secret("ns", "a"), EventSeverity.Warning, "R", "A", "first");
        recorder.Record(Build.Secret("ns", "b"), EventSeverity.Warning, "R", "A", "second");
        await recorder.DrainAsync(ct);

        Assert.Equal("second", Assert.Single(sink.Created).Note);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Exception is HttpRequestException);
    }

    [Fact]
    public async Task BackgroundLoop_WritesRecordedEvents()
    {
        using var stop = new CancellationTokenSource();
        var run = recorder.RunAsync(stop.Token);

        recorder.Record(Build.Secret("ns", "a"), EventSeverity.Normal, "Synced", "Sync", "ok");

        await sink.FirstCreated.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), ct);
    }

    [Fact]
    public async Task ObjectWithoutTypeMeta_IsReferencedByItsEntityKind()
    {
        recorder.Record(new TestWidget { ApiVersion = null!, Kind = null!, Metadata = new V1ObjectMeta { Name = "w", NamespaceProperty = "ns" } },
            EventSeverity.Normal, "Synced", "Sync", "ok");
        await recorder.DrainAsync(ct);

        var regarding = Assert.Single(sink.Created).Regarding;
        Assert.Equal(("secrets.tfy.dev/v1alpha1", "TestWidget"), (regarding.ApiVersion, regarding.Kind));
    }

    [Fact]
    public async Task LongNote_IsTruncatedToTheApiLimit()
    {
        recorder.Record(Build.Secret("ns", "a"), EventSeverity.Normal, "Synced", "Sync", new string('x', 5000));
        await recorder.DrainAsync(ct);

        Assert.Equal(1024, Assert.Single(sink.Created).Note.Length);
    }

    private sealed class FakeEventSink : IEventSink
    {
        public List<Eventsv1Event> Created { get; } = [];

        public List<(string Namespace, string Name, int Count, DateTime LastObserved)> SeriesUpdates { get; } = [];

        public TaskCompletionSource FirstCreated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool FailNext { get; set; }

        public bool UpdateNotFound { get; set; }

        public Task CreateAsync(Eventsv1Event @event, CancellationToken cancellationToken)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new HttpRequestException("apiserver unavailable");
            }

            Created.Add(@event);
            FirstCreated.TrySetResult();
            return Task.CompletedTask;
        }

        public Task UpdateSeriesAsync(string @namespace, string name, int count, DateTime lastObservedTime, CancellationToken cancellationToken)
        {
            if (UpdateNotFound)
            {
                throw new k8s.Autorest.HttpOperationException { Response = new k8s.Autorest.HttpResponseMessageWrapper(new HttpResponseMessage(System.Net.HttpStatusCode.NotFound), "") };
            }

            SeriesUpdates.Add((@namespace, name, count, lastObservedTime));
            return Task.CompletedTask;
        }
    }
}
