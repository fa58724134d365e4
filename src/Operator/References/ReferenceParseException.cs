namespace Operator.References;

/// <summary>
/// The one exception the parser throws. <see cref="Exception.Message"/> is <c>"&lt;field&gt;: &lt;problem&gt;"</c>, meant for
/// status conditions and Events; it may echo (truncated, escaped) reference text, never a secret value.
/// </summary>
public sealed class ReferenceParseException : FormatException
{
    public ReferenceParseException(string field, string problem)
        : base(ReferenceParser.FormatError(field, problem))
    {
        Field = field ?? string.Empty;
        Problem = problem ?? string.Empty;
    }

    public ReferenceParseException()
        : this(string.Empty, "invalid reference")
    {
    }

    public ReferenceParseException(string message)
        : this(string.Empty, message)
    {
    }

    public ReferenceParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
        Problem = message ?? string.Empty;
    }

    /// <summary>The field path the caller passed in, e.g. <c>spec.secrets[2].remoteRef</c>.</summary>
    public string Field { get; }

    /// <summary>The message without the field prefix.</summary>
    public string Problem { get; }
}
