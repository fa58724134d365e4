using System.Globalization;
using System.Text.Json.Nodes;

namespace Operator.Hosting.Flags;

/// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
public sealed class IntType(int min, int max, string? note = null) : FlagType<int>
{
    public int Min => min;

    public int Max => max;

    public override string ValueName => "<int>";

    public override string Allowed => string.Create(CultureInfo.InvariantCulture, $"an integer from {min} to {max}{(note is null ? "" : $" ({note})")}");

    public override bool TryParse(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    public override string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    // The chart may be stricter than the binary: a port of 0 (any free port) is for tests, never for a cluster.
    public override JsonObject Schema() => new() { ["type"] = "integer", ["minimum"] = Math.Max(min, 1), ["maximum"] = max };

    public override IReadOnlyList<JsonNode> InvalidExamples => [JsonValue.Create(min - 1), JsonValue.Create((long)max + 1), JsonValue.Create(1.5)];
}
