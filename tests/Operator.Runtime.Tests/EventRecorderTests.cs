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
    public async Task RepeatWithinTenMinutes_UpdatesTheSeriesInsteadOfCreating()
    {
        var secret = Build.Secret("team-a", "db");
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Sync", "down");
        time.Advance(TimeSpan.FromMinutes(4));
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Sync", "down");
        time.Advance(TimeSpan.FromMinutes(4));
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Sync", "down");
        await recorder.DrainAsync(ct);

        var created = Assert.Single(sink.Created);
        Assert.Equal(2, sink.SeriesUpdates.Count);
        Assert.All(sink.SeriesUpdates, u => Assert.Equal((created.Metadata.NamespaceProperty, created.Metadata.Name), (u.Namespace, u.Name)));
        Assert.Equal([2, 3], sink.SeriesUpdates.Select(u => u.Count));
        Assert.Equal(time.GetUtcNow().UtcDateTime, sink.SeriesUpdates[^1].LastObserved);
    }

    [Fact]
    public async Task RepeatAfterTenMinutes_CreatesANewEvent()
    {
        var secret = Build.Secret("team-a", "db");
        recorder.Record(secret, EventSeverity.Normal, "Synced", "Sync", "ok");
        time.Advance(TimeSpan.FromMinutes(11));
        recorder.Record(secret, EventSeverity.Normal, "Synced", "Sync", "ok");
        await recorder.DrainAsync(ct);

        Assert.Equal(2, sink.Created.Count);
        Assert.Empty(sink.SeriesUpdates);
    }

    [Fact]
    public async Task DifferentNoteReasonTypeOrObject_AreSeparateEvents()
    {
        var secret = Build.Secret("team-a", "db");
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Sync", "down");
        recorder.Record(secret, EventSeverity.Warning, "StoreUnavailable", "Sync", "still down, other cause");
        recorder.Record(secret, EventSeverity.Warning, "AccessDenied", "Sync", "down");
        recorder.Record(secret, EventSeverity.Normal, "StoreUnavailable", "Sync", "down");
        recorder.Record(Build.Secret("team-a", "other"), EventSeverity.Warning, "StoreUnavailable", "Sync", "down");
        await recorder.DrainAsync(ct);

        Assert.Equal(5, sink.Created.Count);
        Assert.Empty(sink.SeriesUpdates);
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
            SeriesUpdates.Add((@namespace, name, count, lastObservedTime));
            return Task.CompletedTask;
        }
    }
}
