using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Operator.Entities.V1Alpha1;

namespace Operator.Hosting.Flags;

/// <summary>A comma-separated list whose items match <paramref name="itemPattern"/>; in Helm values an array.</summary>
public sealed class ListType(string itemPattern, string allowed, string valueName, params string[] invalidItems) : FlagType<IReadOnlyList<string>>
{
    private readonly Regex regex = new(itemPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public override string ValueName => valueName;

    public override string Allowed => "a comma-separated list of " + allowed;

    public override bool TryParse(string text, out IReadOnlyList<string> value)
    {
        value = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return value.All(regex.IsMatch);
    }

    public override string Format(IReadOnlyList<string> value) => string.Join(',', value);

    public override JsonObject Schema() => new() { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string", ["pattern"] = itemPattern } };

    public override string ArgumentOf(JsonNode value) =>
        value is JsonArray items ? string.Join(',', items.Select(i => i is null ? "" : base.ArgumentOf(i))) : base.ArgumentOf(value);

    public override IReadOnlyList<JsonNode> InvalidExamples => [.. invalidItems.Select(i => (JsonNode)new JsonArray(JsonValue.Create(i)))];
}
