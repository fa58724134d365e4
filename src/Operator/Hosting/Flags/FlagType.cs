using System.Globalization;
using System.Text.Json.Nodes;

namespace Operator.Hosting.Flags;

/// <summary>
/// How one kind of flag value is parsed, described (<c>--help</c>, error messages) and mirrored in the chart's values
/// schema. The schema is never kinder than <see cref="TryParse"/>: each type lists values both must refuse.
/// </summary>
public abstract class FlagType<T>
    where T : notnull
{
    /// <summary>Placeholder in <c>--help</c>: <c>&lt;duration&gt;</c>.</summary>
    public abstract string ValueName { get; }

    /// <summary>What is allowed, for <c>--help</c> and error messages: "an integer from 1 to 64".</summary>
    public abstract string Allowed { get; }

    public abstract bool TryParse(string text, out T value);

    /// <summary>The value as a flag argument (and as <c>--help</c> shows the default).</summary>
    public abstract string Format(T value);

    /// <summary>JSON schema of the Helm value that becomes this flag.</summary>
    public abstract JsonObject Schema();

    /// <summary>The Helm value rendered as the flag's argument, as the chart's template does (a list is joined by commas).</summary>
    public virtual string ArgumentOf(JsonNode value) => value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();

    /// <summary>Helm values the binary refuses (after the chart renders them); the schema must refuse them too.</summary>
    public abstract IReadOnlyList<JsonNode> InvalidExamples { get; }
}

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
