namespace Operator.Observability;

/// <summary>How the operator logs (<c>--log-format</c>).</summary>
public sealed class LoggingOptions
{
    /// <summary><c>json</c> or <c>text</c>; empty: JSON in a cluster, text elsewhere.</summary>
    public string Format { get; set; } = "";
}
