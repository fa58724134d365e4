using System.Text.Json.Nodes;

namespace Operator.Testing.Kube.Validation;

/// <summary>
/// The <c>fieldValidation</c> directive of one write and the unknown and duplicate fields found in it, as
/// kube-apiserver handles them (apiserver/pkg/endpoints/handlers/rest.go <c>fieldValidation</c>): no directive means
/// Warn; Strict refuses the write with 400 "strict decoding error"; Warn writes (dropping unknown fields, keeping the
/// last of duplicates) and answers with one <c>Warning</c> header per field; Ignore writes silently.
/// </summary>
internal sealed class FieldValidation
{
    public const string Strict = "Strict";
    public const string Warn = "Warn";
    public const string Ignore = "Ignore";

    private readonly List<string> _unknown = [];
    private readonly List<string> _duplicates = [];

    private FieldValidation(string directive) => Directive = directive;

    /// <summary>Writes from inside the emulator (seeding, cascades): unknown fields are dropped silently.</summary>
    public static FieldValidation None => new(Ignore);

    public string Directive { get; }

    /// <summary>What Warn answers with, one entry per field.</summary>
    public IReadOnlyList<string> Warnings => Directive == Warn ? Problems : [];

    // The real decoder reports unknown fields before duplicates.
    private List<string> Problems => [.. _unknown, .. _duplicates];

    /// <summary>Reads the query parameter; <paramref name="optionsKind"/> is CreateOptions, UpdateOptions or PatchOptions.</summary>
    public static FieldValidation Parse(string? directive, string optionsKind)
    {
        switch (directive)
        {
            case null or "":
                return new FieldValidation(Warn);
            case Strict or Warn or Ignore:
                return new FieldValidation(directive);
            default:
                // apimachinery meta/v1/validation ValidateFieldValidation, reported as an Invalid *Options.
                var error = FieldError.NotSupported("fieldValidation", JsonValue.Create(directive), ["\"\"", "\"Ignore\"", "\"Strict\"", "\"Warn\""]);
                throw new KubeApiException(422, "Invalid", $"{optionsKind}.meta.k8s.io \"\" is invalid: {error}");
        }
    }

    public void Unknown(string path) => _unknown.Add($"unknown field \"{path}\"");

    public void Duplicate(string path) => _duplicates.Add($"duplicate field \"{path}\"");

    /// <summary>Under Strict, refuses the write once decoding found unknown or duplicate fields.</summary>
    public void ThrowIfStrict(ResourceType type)
    {
        if (Directive == Strict && _unknown.Count + _duplicates.Count > 0)
        {
            throw KubeApiException.BadRequest(
                $"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", Problems)}");
        }
    }
}
