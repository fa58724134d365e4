using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Operator.Playground;

/// <summary>
/// The <c>kubectl.kubernetes.io/last-applied-configuration</c> annotation that <c>kubectl apply</c> writes: the object
/// as the file has it, as JSON, with <c>metadata.annotations</c> present (kubectl's GetModifiedConfiguration encodes the
/// object after removing this annotation). Samples seeded with it let a user's first <c>kubectl apply -k config/samples</c>
/// merge quietly instead of warning that the annotation is missing.
/// </summary>
internal static class LastApplied
{
    public const string Annotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Each YAML document of <paramref name="yaml"/>, keyed by kind/namespace/name, with its annotation value.</summary>
    public static IReadOnlyDictionary<string, string> Of(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var byObject = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var document in stream.Documents)
        {
            if (ToJson(document.RootNode) is not JsonObject manifest || manifest["metadata"] is not JsonObject metadata)
            {
                continue;
            }

            if (!metadata.ContainsKey("annotations"))
            {
                // Re-inserted in key order: kubectl's JSON is Go's map encoding, keys sorted.
                var fields = metadata.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())).Append(KeyValuePair.Create("annotations", (JsonNode?)new JsonObject()));
                manifest["metadata"] = new JsonObject(fields.OrderBy(p => p.Key, StringComparer.Ordinal));
                metadata = (JsonObject)manifest["metadata"]!;
            }

            byObject[Key((string?)manifest["kind"], (string?)metadata["namespace"], (string?)metadata["name"])] = GoJson(manifest) + "\n";
        }

        return byObject;
    }

    /// <summary>JSON as Go's encoding/json writes it: no spaces, only <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> escaped beyond JSON's own.</summary>
    private static string GoJson(JsonNode node) =>
        node.ToJsonString(Relaxed).Replace("<", "\\u003c", StringComparison.Ordinal).Replace(">", "\\u003e", StringComparison.Ordinal).Replace("&", "\\u0026", StringComparison.Ordinal);

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Key(string? kind, string? ns, string? name) => $"{kind}/{ns}/{name}";

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children
            .Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    /// <summary>Plain scalars are typed as YAML 1.2's core schema types them (null, bool, int, float); quoted ones are strings.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => JsonValue.Create(d),
            _ => JsonValue.Create(text),
        };
    }
}
