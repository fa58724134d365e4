using System.Globalization;
using System.Text.Json.Nodes;

namespace Operator.Hosting.Flags;

/// <summary>One of a fixed set of words.</summary>
public sealed class ChoiceType(params string[] choices) : FlagType<string>
{
    public override string ValueName => "<" + string.Join('|', choices) + ">";

    public override string Allowed => "one of " + string.Join(", ", choices);

    public override bool TryParse(string text, out string value)
    {
        value = text;
        return choices.Contains(text, StringComparer.Ordinal);
    }

    public override string Format(string value) => value;

    public override JsonObject Schema() => new() { ["type"] = "string", ["enum"] = new JsonArray([.. choices.Select(c => (JsonNode)JsonValue.Create(c))]) };

    public override IReadOnlyList<JsonNode> InvalidExamples => [JsonValue.Create("xml"), JsonValue.Create(choices[0].ToUpperInvariant())];
}
