using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Operator.Entities.V1Alpha1;

namespace Operator.Hosting.Flags;

/// <summary>
/// A duration such as <c>1h</c>, <c>30m</c> or <c>90s</c> (the CRDs' Go-style grammar) from <paramref name="min"/> to
/// <paramref name="max"/>. The chart's schema accepts one whole number and a unit, with the bounds in the pattern.
/// </summary>
public sealed class DurationType(TimeSpan min, TimeSpan max) : FlagType<TimeSpan>
{
    private static readonly (string Unit, TimeSpan Size)[] Units =
        [("ms", TimeSpan.FromMilliseconds(1)), ("s", TimeSpan.FromSeconds(1)), ("m", TimeSpan.FromMinutes(1)), ("h", TimeSpan.FromHours(1))];

    public TimeSpan Min => min;

    public TimeSpan Max => max;

    public override string ValueName => "<duration>";

    public override string Allowed => $"a duration from {Format(min)} to {Format(max)}, such as 1h, 30m or 90s";

    public override bool TryParse(string text, out TimeSpan value) => Durations.TryParse(text, out value) && value >= min && value <= max;

    /// <summary>The largest whole unit: 1h, 90m, 15s, 250ms.</summary>
    public override string Format(TimeSpan value)
    {
        var (unit, size) = Units.Reverse().First(u => value.Ticks % u.Size.Ticks == 0 || u.Unit == "ms");
        return string.Create(CultureInfo.InvariantCulture, $"{value.Ticks / size.Ticks}{unit}");
    }

    public override JsonObject Schema()
    {
        var units = Units
            .Select(u => (u.Unit, Low: (min.Ticks + u.Size.Ticks - 1) / u.Size.Ticks, High: max.Ticks / u.Size.Ticks))
            .Where(u => u.Low <= u.High)
            .Select(u => $"({IntegerRange.Pattern(Math.Max(u.Low, 1), u.High)}){u.Unit}");
        return new() { ["type"] = "string", ["pattern"] = $"^({string.Join('|', units)})$" };
    }

    public override IReadOnlyList<JsonNode> InvalidExamples =>
    [
        JsonValue.Create("0s"), JsonValue.Create("one hour"), JsonValue.Create("1d"), JsonValue.Create("-1h"), JsonValue.Create(60),
        JsonValue.Create(Format(max + TimeSpan.FromHours(1))),
        .. min > TimeSpan.FromMilliseconds(1) ? [JsonValue.Create(Format(min - TimeSpan.FromMilliseconds(1)))] : Array.Empty<JsonNode>(),
    ];
}
