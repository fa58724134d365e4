using System.Security.Cryptography;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Operator.Runtime;

/// <summary>
/// Queues Events and writes them from one background loop (run by <see cref="OperatorHostedService"/>), so that
/// aggregation needs no locks. Repeats are aggregated as client-go's events/v1 broadcaster does
/// (k8s.io/client-go/tools/events/event_broadcaster.go): an Event is keyed by (object, type, reason, action), not by
/// its note; the first occurrence is created, the second patches <c>series.count</c> to 2, later ones only count in
/// memory. Every <see cref="FinishTime"/> a series unseen for that long gets its final count written and ends (the next
/// occurrence starts a new Event); every <see cref="RefreshTime"/> ongoing series are written (keeping them within the
/// API server's Event TTL). So one reason of one object costs at most one write per interval, however often it recurs.
/// </summary>
[Rbac("events.k8s.io", "events", "create,patch", "Normal and Warning Events on the objects; patch updates a repeated Event's series. Events of cluster-scoped objects go to the namespace default (as in client-go), with --watch-namespaces to the operator's namespace.", Scope = RbacScope.WatchedNamespaces | RbacScope.OperatorNamespace)]
public sealed partial class EventRecorder : IEventRecorder, IDisposable
{
    public const string ReportingController = "secretgroup-operator";

    /// <summary>client-go's finishTime: a series with no occurrence for this long is written and forgotten.</summary>
    public static readonly TimeSpan FinishTime = TimeSpan.FromMinutes(6);

    /// <summary>client-go's refreshTime: ongoing series are written this often.</summary>
    public static readonly TimeSpan RefreshTime = TimeSpan.FromMinutes(30);

    private const int MaxNoteLength = 1024;
    private const int MaxTracked = 4096;

    private readonly Channel<Item> pending = Channel.CreateBounded<Item>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly Dictionary<SeriesKey, Series> series = [];
    private readonly IEventSink sink;
    private readonly string reportingInstance;
    private readonly string clusterScopedNamespace;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly ITimer ticker;
    private int ticks;

    // clusterScopedNamespace: where Events of cluster-scoped objects go: client-go's "default", or the operator's
    // namespace when only some namespaces may be written (--watch-namespaces).
    internal EventRecorder(IEventSink sink, string reportingInstance, TimeProvider time, ILogger logger, string clusterScopedNamespace = "default")
    {
        this.sink = sink;
        this.reportingInstance = reportingInstance;
        this.clusterScopedNamespace = clusterScopedNamespace;
        this.time = time;
        this.logger = logger;

        // Series bookkeeping runs in the writing loop too: the timer only queues a tick (a dropped tick waits for the next).
        ticker = time.CreateTimer(_ => pending.Writer.TryWrite(Tick.Instance), null, FinishTime, FinishTime);
    }

    public void Dispose() => ticker.Dispose();

    public void Record(IKubernetesObject<V1ObjectMeta> regarding, EventSeverity type, string reason, string action, string note)
    {
        ArgumentNullException.ThrowIfNull(regarding);
        var metadata = regarding.Metadata ?? new V1ObjectMeta();
        var (apiVersion, kind) = TypeMetaOf(regarding);
        var reference = new V1ObjectReference
        {
            ApiVersion = apiVersion,
            Kind = kind,
            Name = metadata.Name,
            NamespaceProperty = metadata.NamespaceProperty,
            Uid = metadata.Uid,
            ResourceVersion = metadata.ResourceVersion,
        };
        var trimmed = note is { Length: > MaxNoteLength } ? note[..MaxNoteLength] : note ?? string.Empty;
        if (!pending.Writer.TryWrite(new Pending(reference, type, reason, action, trimmed, time.GetUtcNow().UtcDateTime)))
        {
            LogDropped(logger, reason, reference.Kind, reference.Name);
        }
    }

    /// <summary>Objects built in code often lack apiVersion/kind; the entity attribute knows them.</summary>
    private static (string? ApiVersion, string? Kind) TypeMetaOf(IKubernetesObject<V1ObjectMeta> regarding)
    {
        if (!string.IsNullOrEmpty(regarding.ApiVersion) && !string.IsNullOrEmpty(regarding.Kind))
        {
            return (regarding.ApiVersion, regarding.Kind);
        }

        try
        {
            var meta = EntityMetadata.For(regarding.GetType());
            return (meta.ApiVersion, meta.Kind);
        }
        catch (InvalidOperationException)
        {
            return (regarding.ApiVersion, regarding.Kind);
        }
    }

    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in pending.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await WriteAsync(item, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes every Event queued so far (for tests and shutdown).</summary>
    internal async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (pending.Reader.TryRead(out var item))
        {
            await WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task WriteAsync(Item item, CancellationToken cancellationToken) => item switch
    {
        Pending p => RecordAsync(p, cancellationToken),
        _ => TickAsync(cancellationToken),
    };

    private async Task RecordAsync(Pending item, CancellationToken cancellationToken)
    {
        var key = new SeriesKey(
            item.Regarding.Uid ?? $"{item.Regarding.Kind}/{item.Regarding.NamespaceProperty}/{item.Regarding.Name}",
            item.Type,
            item.Reason,
            item.Action);
        if (series.TryGetValue(key, out var existing))
        {
            existing.Count++;
            existing.LastObserved = item.ObservedAt;

            // The second occurrence turns the Event into a series at once; later ones wait for the finish or refresh pass.
            if (existing.Count == 2)
            {
                await WriteSeriesAsync(key, existing, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (series.Count >= MaxTracked)
        {
            await FinishAsync(item.ObservedAt, cancellationToken).ConfigureAwait(false);
            if (series.Count >= MaxTracked)
            {
                series.Clear();
            }
        }

        // Cluster-scoped objects have no namespace; their Events go to "default" (client-go's makeEvent), or the operator's namespace.
        var @namespace = string.IsNullOrEmpty(item.Regarding.NamespaceProperty) ? clusterScopedNamespace : item.Regarding.NamespaceProperty;
        var created = new Series(NameFor(item.Regarding), @namespace, item, item.ObservedAt);
        series[key] = created;
        await CreateAsync(Build(created, key), cancellationToken).ConfigureAwait(false);
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        ticks++;
        if (ticks % (int)(RefreshTime / FinishTime) == 0)
        {
            foreach (var (key, ongoing) in series.Where(p => p.Value.Count > 1).ToList())
            {
                await WriteSeriesAsync(key, ongoing, cancellationToken).ConfigureAwait(false);
            }
        }

        await FinishAsync(now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the series unseen for <see cref="FinishTime"/>: their final count is written if it is not yet.</summary>
    private async Task FinishAsync(DateTime now, CancellationToken cancellationToken)
    {
        foreach (var (key, ended) in series.Where(p => now - p.Value.LastObserved > FinishTime).ToList())
        {
            if (ended.Written != ended.Count)
            {
                await WriteSeriesAsync(key, ended, cancellationToken).ConfigureAwait(false);
            }

            series.Remove(key);
        }
    }

    private async Task WriteSeriesAsync(SeriesKey key, Series s, CancellationToken cancellationToken)
    {
        try
        {
            try
            {
                await sink.UpdateSeriesAsync(s.Namespace, s.Name, s.Count, s.LastObserved, cancellationToken).ConfigureAwait(false);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // The Event expired on the server (Events have a TTL): create it again with the series so far.
                var again = Build(s, key);
                again.Series = new Eventsv1EventSeries { Count = s.Count, LastObservedTime = EventTime.ForSerialization(s.LastObserved) };
                await sink.CreateAsync(again, cancellationToken).ConfigureAwait(false);
            }

            s.Written = s.Count;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogWriteFailed(logger, key.Reason, s.First.Regarding.Kind, s.First.Regarding.Name, e);
        }
    }

    private async Task CreateAsync(Eventsv1Event created, CancellationToken cancellationToken)
    {
        try
        {
            await sink.CreateAsync(created, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogWriteFailed(logger, created.Reason, created.Regarding.Kind, created.Regarding.Name, e);
        }
    }

    /// <summary>client-go's name: the regarding object's name and a random suffix.</summary>
    private static string NameFor(V1ObjectReference regarding)
    {
        var regardingName = string.IsNullOrEmpty(regarding.Name) ? "unknown" : regarding.Name;
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var prefix = regardingName.Length > 200 ? regardingName[..200] : regardingName;
        return $"{prefix}.{suffix}";
    }

    /// <summary>The Event of a series as first created (again, when it expired on the server).</summary>
    private Eventsv1Event Build(Series s, SeriesKey key) => new()
    {
        ApiVersion = "events.k8s.io/v1",
        Kind = "Event",
        Metadata = new V1ObjectMeta
        {
            Name = s.Name,
            NamespaceProperty = s.Namespace,
        },
        EventTime = EventTime.ForSerialization(s.First.ObservedAt),
        ReportingController = ReportingController,
        ReportingInstance = reportingInstance,
        Action = key.Action,
        Reason = key.Reason,
        Note = s.First.Note,
        Type = key.Type == EventSeverity.Warning ? "Warning" : "Normal",
        Regarding = s.First.Regarding,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event queue full; dropped {Reason} Event for {Kind} {Name}")]
    private static partial void LogDropped(ILogger logger, string reason, string? kind, string? name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Reason} Event for {Kind} {Name} failed")]
    private static partial void LogWriteFailed(ILogger logger, string reason, string? kind, string? name, Exception exception);

    private abstract record Item;

    private sealed record Pending(V1ObjectReference Regarding, EventSeverity Type, string Reason, string Action, string Note, DateTime ObservedAt) : Item;

    private sealed record Tick : Item
    {
        public static Tick Instance { get; } = new();
    }

    /// <summary>client-go's eventKey without the reporting controller and instance (one recorder has one of each).</summary>
    private readonly record struct SeriesKey(string Uid, EventSeverity Type, string Reason, string Action);

    /// <summary>
    /// An Event written once (its name and first occurrence, from which it is built again; not the Event object, issue 21),
    /// its occurrences so far and how many of them the API server has seen.
    /// </summary>
    private sealed class Series(string name, string @namespace, Pending first, DateTime observedAt)
    {
        public string Name { get; } = name;

        public string Namespace { get; } = @namespace;

        public Pending First { get; } = first;

        public int Count { get; set; } = 1;

        public int Written { get; set; } = 1;

        public DateTime LastObserved { get; set; } = observedAt;
    }
}
