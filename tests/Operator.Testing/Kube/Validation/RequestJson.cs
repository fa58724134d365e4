using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Operator.Testing.Kube.Validation;

/// <summary>
/// Parses a request body as Go's decoder does: a field given twice keeps its last value, and each repeat is reported
/// (as "duplicate field" under <c>fieldValidation</c>). JsonNode.Parse would instead fail on first access.
/// </summary>
internal static class RequestJson
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 10_000 };

    public static JsonNode? Parse(ReadOnlySpan<byte> body, Action<string>? duplicate = null)
    {
        var reader = new Utf8JsonReader(body, Options);
        if (!reader.Read())
        {
            return null;
        }

        var node = ReadValue(ref reader, "", duplicate);
        if (reader.Read())
        {
            throw new JsonException("unexpected content after the JSON value");
        }

        return node;
    }

    public static JsonNode? Parse(string body, Action<string>? duplicate = null) => Parse(Encoding.UTF8.GetBytes(body), duplicate);

    private static JsonNode? ReadValue(ref Utf8JsonReader reader, string path, Action<string>? duplicate)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    var childPath = path.Length == 0 ? name : $"{path}.{name}";
                    var value = ReadValue(ref reader, childPath, duplicate);
                    if (obj.Remove(name))
                    {
                        duplicate?.Invoke(childPath);
                    }

                    obj[name] = value;
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JsonArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(ReadValue(ref reader, $"{path}[{array.Count}]", duplicate));
                }

                return array;
            case JsonTokenType.Null:
                return null;
            default:
                return JsonValue.Create(JsonElement.ParseValue(ref reader));
        }
    }
}
