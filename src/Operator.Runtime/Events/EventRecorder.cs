using System.Security.Cryptography;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Operator.Runtime;

/// <summary>
/// Queues Events and writes them from one background loop (run by <see cref="OperatorHostedService"/>), so that
/// aggregation needs no locks: the same (object uid, type, reason, note) seen again within 10 minutes patches the
/// existing Event's series (count, lastObservedTime) instead of creating another Event.
/// </summary>
public sealed partial class EventRecorder : IEventRecorder
{
    public const string ReportingController = "secretgroup-operator";

    internal static readonly TimeSpan AggregationWindow = TimeSpan.FromMinutes(10);

    private const int MaxNoteLength = 1024;
    private const int MaxTracked = 4096;

    private readonly Channel<Pending> pending = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly Dictionary<SeriesKey, Series> series = [];
    private readonly IEventSink sink;
    private readonly string reportingInstance;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    internal EventRecorder(IEventSink sink, string reportingInstance, TimeProvider time, ILogger logger)
    {
        this.sink = sink;
        this.reportingInstance = reportingInstance;
        this.time = time;
        this.logger = logger;
    }

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

    private async Task WriteAsync(Pending item, CancellationToken cancellationToken)
    {
        var key = new SeriesKey(
            item.Regarding.Uid ?? $"{item.Regarding.Kind}/{item.Regarding.NamespaceProperty}/{item.Regarding.Name}",
            item.Type,
            item.Reason,
            item.Note);
        try
        {
            if (series.TryGetValue(key, out var existing) && item.ObservedAt - existing.LastObserved < AggregationWindow)
            {
                try
                {
                    await sink.UpdateSeriesAsync(existing.Namespace, existing.Name, existing.Count + 1, item.ObservedAt, cancellationToken).ConfigureAwait(false);
                    series[key] = existing with { Count = existing.Count + 1, LastObserved = item.ObservedAt };
                    return;
                }
                catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    // The Event expired on the server (Events have a TTL); start a new one.
                }
            }

            var created = Build(item);
            await sink.CreateAsync(created, cancellationToken).ConfigureAwait(false);
            Prune(item.ObservedAt);
            series[key] = new Series(created.Metadata.NamespaceProperty, created.Metadata.Name, 1, item.ObservedAt);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogWriteFailed(logger, item.Reason, item.Regarding.Kind, item.Regarding.Name, e);
        }
    }

    private Eventsv1Event Build(Pending item)
    {
        var regardingName = string.IsNullOrEmpty(item.Regarding.Name) ? "unknown" : item.Regarding.Name;
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var prefix = regardingName.Length > 200 ? regardingName[..200] : regardingName;
        return new Eventsv1Event
        {
            ApiVersion = "events.k8s.io/v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta
            {
                Name = $"{prefix}.{suffix}",

                // Cluster-scoped objects have no namespace; their Events go to "default" as kubectl expects.
                NamespaceProperty = string.IsNullOrEmpty(item.Regarding.NamespaceProperty) ? "default" : item.Regarding.NamespaceProperty,
            },
            EventTime = EventTime.ForSerialization(item.ObservedAt),
            ReportingController = ReportingController,
            ReportingInstance = reportingInstance,
            Action = item.Action,
            Reason = item.Reason,
            Note = item.Note,
            Type = item.Type == EventSeverity.Warning ? "Warning" : "Normal",
            Regarding = item.Regarding,
        };
    }

    private void Prune(DateTime now)
    {
        if (series.Count < MaxTracked)
        {
            return;
        }

        foreach (var stale in series.Where(pair => now - pair.Value.LastObserved >= AggregationWindow).Select(pair => pair.Key).ToList())
        {
            series.Remove(stale);
        }

        if (series.Count >= MaxTracked)
        {
            series.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event queue full; dropped {Reason} Event for {Kind} {Name}")]
    private static partial void LogDropped(ILogger logger, string reason, string? kind, string? name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Reason} Event for {Kind} {Name} failed")]
    private static partial void LogWriteFailed(ILogger logger, string reason, string? kind, string? name, Exception exception);

    private sealed record Pending(V1ObjectReference Regarding, EventSeverity Type, string Reason, string Action, string Note, DateTime ObservedAt);

    private readonly record struct SeriesKey(string Uid, EventSeverity Type, string Reason, string Note);

    private sealed record Series(string Namespace, string Name, int Count, DateTime LastObserved);
}
