namespace Operator.Templates;

/// <summary>A template that cannot render: the message names what failed (a filter, a variable), never a value.</summary>
internal sealed class TemplateFailure(string message, string? token = null) : Exception(message)
{
    /// <summary>What to look for in the template's text to name the line: the filter or variable that failed.</summary>
    public string? Token { get; } = token;
}
