using System.Globalization;
using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>JSON merge patch (RFC 7386) and JSON patch (RFC 6902).</summary>
internal static class Patching
{
    /// <summary>
    /// Applies a patch by content type. Strategic merge patch (built-in kinds only, as on the real server) and
    /// server-side apply are treated as JSON merge patch: lists are replaced rather than merged by key, and
    /// <c>$patch</c> directives and field ownership are not understood.
    /// </summary>
    public static JsonObject Apply(ResourceType type, string contentType, JsonObject? target, JsonNode? patch)
    {
        var media = contentType.Split(';')[0].Trim().ToLowerInvariant();
        return media switch
        {
            "application/json-patch+json" => JsonPatch(target ?? throw new KubeApiException(404, "NotFound", "not found"), patch as JsonArray
                ?? throw KubeApiException.BadRequest("json patch must be an array of operations")),
            "application/strategic-merge-patch+json" when type.IsCustom => throw UnsupportedMediaType(),
            "application/merge-patch+json" or "application/strategic-merge-patch+json" or "application/apply-patch+yaml"
                or "application/apply-patch+json" => MergePatch(target ?? new JsonObject(), patch) as JsonObject
                ?? throw KubeApiException.BadRequest("patch must produce an object"),
            _ => throw UnsupportedMediaType(),
        };
    }

    // apiextensions-apiserver serves custom resources with JSON patch, merge patch and apply only.
    private static KubeApiException UnsupportedMediaType() => new(415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");

    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var existing = result[key];
                result.Remove(key);
                result[key] = MergePatch(existing, value);
            }
        }

        return result;
    }

    public static JsonObject JsonPatch(JsonObject target, JsonArray operations)
    {
        JsonNode root = target;
        foreach (var operation in operations.OfType<JsonObject>())
        {
            var op = (string?)operation["op"];
            var path = (string?)operation["path"] ?? throw KubeApiException.BadRequest("json patch operation without path");
            switch (op)
            {
                case "add":
                    root = Add(root, path, operation["value"]?.DeepClone());
                    break;
                case "remove":
                    root = Remove(root, path, out _);
                    break;
                case "replace":
                    root = Remove(root, path, out _);
                    root = Add(root, path, operation["value"]?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Resolve(root, path), operation["value"]))
                    {
                        throw new KubeApiException(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed");
                    }

                    break;
                case "move":
                    root = Remove(root, (string?)operation["from"] ?? "", out var moved);
                    root = Add(root, path, moved);
                    break;
                case "copy":
                    root = Add(root, path, Resolve(root, (string?)operation["from"] ?? "")?.DeepClone());
                    break;
                default:
                    throw KubeApiException.BadRequest($"unexpected json patch operation \"{op}\"");
            }
        }

        return root as JsonObject ?? throw KubeApiException.BadRequest("json patch must produce an object");
    }

    private static List<string> Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw KubeApiException.BadRequest($"invalid json pointer \"{pointer}\"");
        }

        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    private static JsonNode? Resolve(JsonNode root, string pointer)
    {
        JsonNode? current = root;
        foreach (var token in Tokens(pointer))
        {
            current = current switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray array when int.TryParse(token, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < array.Count => array[i],
                _ => throw new KubeApiException(422, "Invalid", $"the server rejected our request due to an error in our request: json patch path {pointer} does not exist"),
            };
        }

        return current;
    }

    private static JsonNode Add(JsonNode root, string pointer, JsonNode? value)
    {
        var tokens = Tokens(pointer);
        if (tokens.Count == 0)
        {
            return value ?? throw KubeApiException.BadRequest("cannot replace the document with null");
        }

        var parent = Resolve(root, ParentPointer(tokens));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array when int.TryParse(last, CultureInfo.InvariantCulture, out var i) && i >= 0 && i <= array.Count:
                array.Insert(i, value);
                break;
            default:
                throw new KubeApiException(422, "Invalid", $"the server rejected our request due to an error in our request: json patch path {pointer} does not exist");
        }

        return root;
    }

    private static JsonNode Remove(JsonNode root, string pointer, out JsonNode? removed)
    {
        var tokens = Tokens(pointer);
        var parent = Resolve(root, ParentPointer(tokens));
        var last = tokens.Count > 0 ? tokens[^1] : throw KubeApiException.BadRequest("cannot remove the whole document");
        switch (parent)
        {
            case JsonObject obj when obj.TryGetPropertyValue(last, out removed):
                obj.Remove(last);
                break;
            case JsonArray array when int.TryParse(last, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < array.Count:
                removed = array[i];
                array.RemoveAt(i);
                break;
            default:
                throw new KubeApiException(422, "Invalid", $"the server rejected our request due to an error in our request: json patch path {pointer} does not exist");
        }

        return root;
    }

    private static string ParentPointer(List<string> tokens) =>
        tokens.Count <= 1 ? "" : "/" + string.Join('/', tokens.Take(tokens.Count - 1).Select(Escape));

    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
