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
