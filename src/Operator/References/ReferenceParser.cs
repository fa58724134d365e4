using System.Diagnostics.CodeAnalysis;

namespace Operator.References;

/// <summary>
/// The one strict parser for integration, group and secret FQNs and the three reference forms. Parse methods throw
/// only <see cref="ReferenceParseException"/> (also for <c>null</c> input); Try methods never throw. Every error
/// names the field it was given and the bad part of the text.
/// </summary>
public static class ReferenceParser
{
    public const string SecretScheme = "tfy-secret://";
    public const string K8sSecretScheme = "tfy-k8s-secret://";

    public const int MaxNameLength = ReferenceGrammar.MaxNameLength;
    public const int MaxKeyLength = ReferenceGrammar.MaxKeyLength;
    public const int MaxPathLength = ReferenceGrammar.MaxPathLength;

    /// <summary>A DNS-1123 label of 1 to 63 characters: tenant, provider account, integration and group names.</summary>
    public static bool IsValidName([NotNullWhen(true)] string? segment) => ReferenceGrammar.Name("name", segment) is null;

    /// <summary>A Kubernetes Secret key: <c>[-._a-zA-Z0-9]+</c>, at most 253, not <c>.</c>, <c>..</c> or <c>..*</c>.</summary>
    public static bool IsValidSecretKey([NotNullWhen(true)] string? key) => ReferenceGrammar.Key(key) is null;

    /// <summary>Why <paramref name="key"/> is not a valid Secret key, or <c>null</c> when it is.</summary>
    public static string? DescribeInvalidSecretKey(string? key) => ReferenceGrammar.Key(key);

    public static IntegrationFqn ParseIntegrationFqn(string input, string field) =>
        Integration(input, out var fqn) is { } problem ? throw new ReferenceParseException(field, problem) : fqn!;

    public static bool TryParseIntegrationFqn(
        string? input, string field, [NotNullWhen(true)] out IntegrationFqn? fqn, [NotNullWhen(false)] out string? error) =>
        Succeeded(Integration(input, out fqn), field, out error);

    public static GroupFqn ParseGroupFqn(string input, string field) =>
        Group(input, out var fqn) is { } problem ? throw new ReferenceParseException(field, problem) : fqn!;

    public static bool TryParseGroupFqn(
        string? input, string field, [NotNullWhen(true)] out GroupFqn? fqn, [NotNullWhen(false)] out string? error) =>
        Succeeded(Group(input, out fqn), field, out error);

    public static SecretFqn ParseSecretFqn(string input, string field) =>
        Secret(input, out var fqn) is { } problem ? throw new ReferenceParseException(field, problem) : fqn!;

    public static bool TryParseSecretFqn(
        string? input, string field, [NotNullWhen(true)] out SecretFqn? fqn, [NotNullWhen(false)] out string? error) =>
        Succeeded(Secret(input, out fqn), field, out error);

    public static SecretReference ParseReference(string input, string field, ReferenceForms allowed) =>
        Reference(input, allowed, out var reference) is { } problem
            ? throw new ReferenceParseException(field, problem)
            : reference!;

    public static bool TryParseReference(
        string? input,
        string field,
        ReferenceForms allowed,
        [NotNullWhen(true)] out SecretReference? reference,
        [NotNullWhen(false)] out string? error) =>
        Succeeded(Reference(input, allowed, out reference), field, out error);

    internal static string FormatError(string? field, string? problem) =>
        string.IsNullOrEmpty(field) ? problem ?? string.Empty : $"{field}: {problem}";

    private static string? Integration(string? input, out IntegrationFqn? fqn)
    {
        fqn = null;
        return ReferenceGrammar.Surface(input, "integration FQN") ?? ReferenceGrammar.Integration(input!, out fqn);
    }

    private static string? Group(string? input, out GroupFqn? fqn)
    {
        fqn = null;
        return ReferenceGrammar.Surface(input, "group FQN") ?? ReferenceGrammar.Group(input!, out fqn);
    }

    private static string? Secret(string? input, out SecretFqn? fqn)
    {
        fqn = null;
        return ReferenceGrammar.Surface(input, "secret FQN") ?? ReferenceGrammar.Secret(input!, out fqn);
    }

    private static string? Reference(string? input, ReferenceForms allowed, out SecretReference? reference)
    {
        reference = null;
        if (ReferenceGrammar.Surface(input, "reference") is { } surface)
        {
            return surface;
        }

        var text = input!;
        if (text.StartsWith(SecretScheme, StringComparison.Ordinal))
        {
            SecretFqn? secret = null;
            var problem = NotAllowed(ReferenceForms.GroupKey, allowed) ?? ReferenceGrammar.Secret(text, out secret);
            reference = problem is null && secret is not null ? new GroupKeyReference(secret) : null;
            return problem;
        }

        if (text.StartsWith(K8sSecretScheme, StringComparison.Ordinal))
        {
            var key = text[K8sSecretScheme.Length..];
            var problem = NotAllowed(ReferenceForms.K8sSecret, allowed) ?? ReferenceGrammar.Key(key);
            reference = problem is null ? new K8sSecretReference(key) : null;
            return problem;
        }

        if (ReferenceGrammar.SchemeTypo(text) is { } typo)
        {
            return typo;
        }

        if (ReferenceGrammar.LeadingScheme(text) is { } scheme)
        {
            return $"unknown scheme {Echo.Quote(scheme)}; expected {ReferenceGrammar.Forms(allowed)}";
        }

        // An integration FQN never contains "::", so the first one ends it; the path after it is opaque.
        var separator = text.IndexOf(StorePathReference.Separator, StringComparison.Ordinal);
        if (separator >= 0)
        {
            var path = text[(separator + StorePathReference.Separator.Length)..];
            IntegrationFqn? integration = null;
            var problem = NotAllowed(ReferenceForms.StorePath, allowed)
                ?? ReferenceGrammar.Integration(text[..separator], out integration)
                ?? ReferenceGrammar.Path(path);
            reference = problem is null && integration is not null ? new StorePathReference(integration, path) : null;
            return problem;
        }

        var hint = ReferenceGrammar.Integration(text, out _) is null && allowed.HasFlag(ReferenceForms.StorePath)
            ? $" (add '{StorePathReference.Separator}<path>' after the integration FQN)"
            : string.Empty;
        return $"{Echo.Quote(text)} is not a reference; expected {ReferenceGrammar.Forms(allowed)}{hint}";
    }

    private static string? NotAllowed(ReferenceForms form, ReferenceForms allowed)
    {
        if (allowed.HasFlag(form))
        {
            return null;
        }

        if (form == ReferenceForms.K8sSecret)
        {
            return $"{K8sSecretScheme} references are only allowed in SecretStoreIntegration fields";
        }

        var name = form == ReferenceForms.GroupKey
            ? $"{SecretScheme} references"
            : $"<integration-fqn>{StorePathReference.Separator}<path> references";
        return (allowed & ReferenceForms.All) == ReferenceForms.None
            ? $"{name} are not allowed in this field"
            : $"{name} are not allowed in this field; use {ReferenceGrammar.Forms(allowed)}";
    }

    private static bool Succeeded(string? problem, string field, [NotNullWhen(false)] out string? error)
    {
        error = problem is null ? null : FormatError(field, problem);
        return problem is null;
    }
}
