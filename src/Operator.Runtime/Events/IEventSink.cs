using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Operator.Runtime;

/// <summary>Where the recorder writes Events; a seam for tests.</summary>
internal interface IEventSink
{
    Task CreateAsync(Eventsv1Event @event, CancellationToken cancellationToken);

    Task UpdateSeriesAsync(string @namespace, string name, int count, DateTime lastObservedTime, CancellationToken cancellationToken);
}

internal sealed class KubernetesEventSink(IKubernetes client) : IEventSink
{
    public Task CreateAsync(Eventsv1Event @event, CancellationToken cancellationToken) =>
        client.EventsV1.CreateNamespacedEventAsync(@event, @event.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    public Task UpdateSeriesAsync(string @namespace, string name, int count, DateTime lastObservedTime, CancellationToken cancellationToken)
    {
        // A JsonObject, not an anonymous type: no reflection, which trimmed publishes turn off and Native AOT cannot do for
        // an anonymous type's generic converter (NativeAotSmokeTests: the series stayed at its first Event).
        var patch = new JsonObject { ["series"] = new JsonObject { ["count"] = count, ["lastObservedTime"] = EventTime.Format(lastObservedTime) } }.ToJsonString();
        return client.EventsV1.PatchNamespacedEventAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), name, @namespace, cancellationToken: cancellationToken);
    }
}

internal static class EventTime
{
    /// <summary>MicroTime as the API server parses it: always six fractional digits.</summary>
    public static string Format(DateTime time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// KubernetesJson drops the fraction of a time whose microseconds are all zero, and the API server rejects a
    /// MicroTime without one; nudging by one microsecond keeps the fraction.
    /// </summary>
    public static DateTime ForSerialization(DateTime time)
    {
        var utc = time.ToUniversalTime();
        var truncated = new DateTime(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
        return truncated.Ticks % TimeSpan.TicksPerSecond == 0 ? truncated.AddTicks(10) : truncated;
    }
}
