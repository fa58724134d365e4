using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>
/// One stored Event served at both core/v1 and events.k8s.io/v1, as kube-apiserver does: storage holds the core/v1
/// form and events.k8s.io/v1 reads and writes are converted with the field mapping of
/// kubernetes pkg/apis/events/v1/conversion.go (note↔message, regarding↔involvedObject,
/// reportingController↔reportingComponent, deprecatedCount↔count, deprecatedSource↔source,
/// deprecatedFirstTimestamp/deprecatedLastTimestamp↔firstTimestamp/lastTimestamp; series, eventTime, action,
/// reason, type, related and reportingInstance keep their names).
/// </summary>
internal static class EventMirror
{
    private static readonly (string EventsV1, string Core)[] Renamed =
    [
        ("note", "message"),
        ("regarding", "involvedObject"),
        ("reportingController", "reportingComponent"),
        ("deprecatedCount", "count"),
        ("deprecatedSource", "source"),
        ("deprecatedFirstTimestamp", "firstTimestamp"),
        ("deprecatedLastTimestamp", "lastTimestamp"),
    ];

    /// <summary>Whether objects of <paramref name="type"/> are stored in another form than they are served.</summary>
    public static bool Converts(ResourceType type) => type.Group == "events.k8s.io";

    /// <summary>The stored (core/v1) form of an object written through <paramref name="type"/>.</summary>
    public static JsonObject ToStorage(ResourceType type, JsonObject obj) => Converts(type) ? Rename(obj, toCore: true) : obj;

    /// <summary>The form <paramref name="type"/> serves a stored object in.</summary>
    public static JsonObject FromStorage(ResourceType type, JsonObject stored) => Converts(type) ? Rename(stored, toCore: false) : stored;

    private static JsonObject Rename(JsonObject source, bool toCore)
    {
        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            var match = Renamed.FirstOrDefault(r => (toCore ? r.EventsV1 : r.Core) == key);
            result[match == default ? key : toCore ? match.Core : match.EventsV1] = value?.DeepClone();
        }

        return result;
    }
}
