using System.Globalization;
using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>Small accessors for the metadata of a JSON object.</summary>
internal static class Meta
{
    public static JsonObject Of(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            obj["metadata"] = metadata;
        }

        return metadata;
    }

    public static string Name(JsonObject obj) => (string?)obj["metadata"]?["name"] ?? "";

    public static string Namespace(JsonObject obj) => (string?)obj["metadata"]?["namespace"] ?? "";

    public static string Uid(JsonObject obj) => (string?)obj["metadata"]?["uid"] ?? "";

    public static string ResourceVersion(JsonObject obj) => (string?)obj["metadata"]?["resourceVersion"] ?? "";

    public static bool IsDeleting(JsonObject obj) => obj["metadata"]?["deletionTimestamp"] is not null;

    public static List<string> Finalizers(JsonObject obj) =>
        (obj["metadata"]?["finalizers"] as JsonArray)?.Select(f => (string?)f ?? "").ToList() ?? [];

    public static Dictionary<string, string> Labels(JsonObject obj) =>
        (obj["metadata"]?["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    public static IEnumerable<string> OwnerUids(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>().Select(r => (string?)r["uid"] ?? "") ?? [];

    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
