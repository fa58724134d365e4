using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>
/// The columns kube-apiserver prints for the built-in kinds users list most (pkg/printers/internalversion/printers.go):
/// Namespace NAME STATUS AGE, Secret NAME TYPE DATA AGE, ConfigMap NAME DATA AGE, ServiceAccount NAME SECRETS AGE,
/// and Events (<see cref="EventTable"/>). Other built-ins print NAME and AGE.
/// </summary>
internal static class BuiltInTables
{
    public static (JsonArray Definitions, Func<JsonObject, DateTimeOffset, JsonArray> Cells)? For(ResourceType type) => type switch
    {
        { Group: "", Kind: "Event" } => (EventTable.Definitions(), EventTable.Cells),
        { Group: "", Kind: "Namespace" } => Named(("Status", "string", "The status of the namespace"), o => [(string?)o["status"]?["phase"] ?? ""]),
        { Group: "", Kind: "Secret" } => Named(
            ("Type", "string", "The type of the secret"), ("Data", "string", "The number of entries in the secret"),
            o => [(string?)o["type"] ?? "", Count(o["data"])]),
        { Group: "", Kind: "ConfigMap" } => Named(("Data", "string", "Number of data in configmap"), o => [Count(o["data"]) + Count(o["binaryData"])]),
        { Group: "", Kind: "ServiceAccount" } => Named(("Secrets", "string", "Secrets is the list of secrets allowed to be used by pods running using this ServiceAccount."), o => [(o["secrets"] as JsonArray)?.Count ?? 0]),
        _ => null,
    };

    private static (JsonArray, Func<JsonObject, DateTimeOffset, JsonArray>) Named((string Name, string Type, string Description) column, Func<JsonObject, JsonNode?[]> cells) =>
        Named([column], cells);

    private static (JsonArray, Func<JsonObject, DateTimeOffset, JsonArray>) Named(
        (string Name, string Type, string Description) first, (string Name, string Type, string Description) second, Func<JsonObject, JsonNode?[]> cells) =>
        Named([first, second], cells);

    /// <summary>Name, the kind's own columns, then Age, as the real printers lay them out.</summary>
    private static (JsonArray, Func<JsonObject, DateTimeOffset, JsonArray>) Named((string Name, string Type, string Description)[] columns, Func<JsonObject, JsonNode?[]> cells)
    {
        JsonArray Definitions() =>
        [
            Column("Name", "string", "name", "Name must be unique within a namespace."),
            .. columns.Select(c => Column(c.Name, c.Type, "", c.Description)),
            Column("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created."),
        ];

        return (Definitions(), (o, now) =>
        [
            Meta.Name(o),
            .. cells(o),
            Age(o, now),
        ]);
    }

    private static JsonObject Column(string name, string type, string format, string description) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["format"] = format,
        ["description"] = description,
        ["priority"] = 0,
    };

    private static int Count(JsonNode? map) => (map as JsonObject)?.Count ?? 0;

    private static string Age(JsonObject o, DateTimeOffset now) =>
        DateTimeOffset.TryParse((string?)o["metadata"]?["creationTimestamp"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? TableConverter.HumanDuration(now - at)
            : "<unknown>";
}
