using System.Globalization;
using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>
/// The Table kube-apiserver prints for core/v1 Events (pkg/printers/internalversion/printers.go, printEvent): no Name
/// column up front but Last Seen, Type, Reason, Object as <c>kind/name</c> in lower-case kind, Message, and the wide
/// columns (priority 1) Subobject, Source, First Seen, Count, Name. The server always fills the wide cells; kubectl
/// shows them with <c>-o wide</c>.
/// </summary>
internal static class EventTable
{
    private static readonly (string Name, int Priority, string Description)[] Columns =
    [
        ("Last Seen", 0, "The time at which the most recent occurrence of this event was recorded."),
        ("Type", 0, "Type of this event (Normal, Warning), new types could be added in the future"),
        ("Reason", 0, "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        ("Object", 0, "The object that this event is about."),
        ("Subobject", 1, "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement."),
        ("Source", 1, "The component reporting this event. Should be a short machine understandable string."),
        ("Message", 0, "A human-readable description of the status of this operation."),
        ("First Seen", 1, "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
        ("Count", 1, "The number of times this event has occurred."),
        ("Name", 1, "Name must be unique within a namespace."),
    ];

    public static JsonArray Definitions() => [.. Columns.Select(c => (JsonNode)new JsonObject
    {
        ["name"] = c.Name,
        ["type"] = c.Name == "Count" ? "integer" : "string",
        ["format"] = c.Name == "Name" ? "name" : "",
        ["description"] = c.Description,
        ["priority"] = c.Priority,
    })];

    public static JsonArray Cells(JsonObject e, DateTimeOffset now)
    {
        var first = Since(e["firstTimestamp"], now) ?? Since(e["eventTime"], now) ?? "<unknown>";
        var last = Since(e["lastTimestamp"], now) ?? first;
        var count = (long?)e["count"] ?? 0;
        if (e["series"] is JsonObject series)
        {
            last = Since(series["lastObservedTime"], now) ?? "<unknown>";
            count = (long?)series["count"] ?? 0;
        }
        else if (count == 0)
        {
            count = 1;
        }

        var involved = e["involvedObject"] as JsonObject;
        var kind = ((string?)involved?["kind"] ?? "").ToLowerInvariant();
        var name = (string?)involved?["name"] ?? "";
        var source = e["source"] as JsonObject;
        var component = FirstNonEmpty((string?)source?["component"], (string?)e["reportingComponent"]);
        var instance = FirstNonEmpty((string?)source?["host"], (string?)e["reportingInstance"]);
        return
        [
            last,
            (string?)e["type"] ?? "",
            (string?)e["reason"] ?? "",
            name.Length > 0 ? $"{kind}/{name}" : kind,
            (string?)involved?["fieldPath"] ?? "",
            instance.Length == 0 ? component : $"{component}, {instance}",
            ((string?)e["message"] ?? "").Trim(),
            first,
            count,
            Meta.Name(e),
        ];
    }

    private static string FirstNonEmpty(string? a, string? b) => string.IsNullOrEmpty(a) ? b ?? "" : a;

    private static string? Since(JsonNode? time, DateTimeOffset now) =>
        time is not null && DateTimeOffset.TryParse(time.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? TableConverter.HumanDuration(now - at)
            : null;
}
