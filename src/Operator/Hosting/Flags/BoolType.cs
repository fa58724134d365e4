using System.Globalization;
using System.Text.Json.Nodes;

namespace Operator.Hosting.Flags;

/// <summary><c>true</c> or <c>false</c>; a bare <c>--flag</c> means true.</summary>
public sealed class BoolType : FlagType<bool>
{
    public static readonly BoolType Instance = new();

    public override string ValueName => "true|false";

    public override string Allowed => "true or false";

    public override bool TryParse(string text, out bool value) => bool.TryParse(text, out value);

    public override string Format(bool value) => value ? "true" : "false";

    public override JsonObject Schema() => new() { ["type"] = "boolean" };

    public override IReadOnlyList<JsonNode> InvalidExamples => [JsonValue.Create("yes"), JsonValue.Create(1)];
}
