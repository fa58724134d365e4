using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Operator.Entities.V1Alpha1;

namespace Operator.Hosting.Flags;

/// <summary>Text matching <paramref name="pattern"/> (RE2 and ECMA 262 alike, so Helm checks the same), at most <paramref name="maxLength"/> characters.</summary>
public sealed class TextType(string pattern, int maxLength, string allowed, string valueName = "<name>", params string[] invalid) : FlagType<string>
{
    /// <summary>A DNS-1123 label: tenant and namespace names.</summary>
    public static readonly TextType Label = new(Patterns.Name, 63, "a DNS label: lower-case letters, digits and '-', at most 63 characters", "<name>", "", "My_Tenant", "-x");

    /// <summary>A DNS-1123 subdomain: names of Secrets, Services and webhook configurations.</summary>
    public static readonly TextType Subdomain = new("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", 253, "a DNS subdomain: lower-case letters, digits, '-' and '.', at most 253 characters", "<name>", "", "Not_Valid", "x.");

    /// <summary>An absolute file-system path.</summary>
    public static readonly TextType AbsolutePath = new("^/.*$", 4096, "an absolute path", "<path>", "", "relative/dir");

    private readonly Regex regex = new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public override string ValueName => valueName;

    public override string Allowed => allowed;

    public override bool TryParse(string text, out string value)
    {
        value = text;
        return text.Length <= maxLength && regex.IsMatch(text);
    }

    public override string Format(string value) => value;

    public override JsonObject Schema() => new() { ["type"] = "string", ["pattern"] = pattern, ["maxLength"] = maxLength };

    public override IReadOnlyList<JsonNode> InvalidExamples =>
        [.. invalid.Select(i => (JsonNode)JsonValue.Create(i)), JsonValue.Create(new string('a', maxLength + 1))];
}

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
