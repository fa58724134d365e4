using System.Globalization;
using System.Text;

namespace Operator.References;

/// <summary>
/// The grammar rules behind <see cref="ReferenceParser"/>. Every rule returns <c>null</c> when the text is valid and
/// otherwise a problem description (without the field prefix) that names the bad part, so the Try and throwing
/// entry points share one code path and nothing here throws.
/// </summary>
internal static class ReferenceGrammar
{
    public const int MaxNameLength = 63;
    public const int MaxKeyLength = 253;
    public const int MaxPathLength = 2048;

    private const string IntegrationShape = "<tenant>:<provider>:<providerAccount>:secret-store:<name>";

    public static string? Surface(string? input, string what)
    {
        if (string.IsNullOrEmpty(input))
        {
            return $"{what} is empty";
        }

        if (char.IsWhiteSpace(input[0]) || char.IsWhiteSpace(input[^1]))
        {
            return $"{what} {Echo.Quote(input)} has leading or trailing whitespace; remove it";
        }

        return null;
    }

    public static string? Name(string label, string? segment)
    {
        if (string.IsNullOrEmpty(segment))
        {
            return $"{label} is empty";
        }

        if (segment.Length > MaxNameLength)
        {
            return $"{label} {Echo.Quote(segment)} is {segment.Length} characters long; at most {MaxNameLength} are allowed";
        }

        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return $"{label} {Echo.Quote(segment)} must be a DNS-1123 label of lowercase letters, digits and '-': "
                    + $"{Describe(c)} at position {i + 1} is not allowed";
            }
        }

        if (segment[0] == '-' || segment[^1] == '-')
        {
            return $"{label} {Echo.Quote(segment)} must start and end with a lowercase letter or digit";
        }

        return null;
    }

    public static string? Key(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "key is empty";
        }

        if (key.Length > MaxKeyLength)
        {
            return $"key {Echo.Quote(key)} is {key.Length} characters long; at most {MaxKeyLength} are allowed";
        }

        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return $"key {Echo.Quote(key)} may contain only letters, digits, '-', '_' and '.' "
                    + $"({Describe(c)} at position {i + 1} is not allowed)";
            }
        }

        if (key is "." or "..")
        {
            return $"key {Echo.Quote(key)} must not be '.' or '..'";
        }

        // Kubernetes refuses such keys (apimachinery IsConfigMapKey): in a Secret volume '..data' and '..<timestamp>' are the kubelet's own.
        if (key.StartsWith("..", StringComparison.Ordinal))
        {
            return $"key {Echo.Quote(key)} must not start with '..': Kubernetes refuses such Secret keys (the kubelet keeps '..data' in Secret volumes)";
        }

        return null;
    }

    public static string? Provider(string segment, out Provider provider)
    {
        if (ProviderSegments.TryParse(segment, out provider))
        {
            return null;
        }

        return segment.Length == 0
            ? $"provider segment is empty; it must be one of {string.Join(", ", ProviderSegments.All)}"
            : $"provider segment {Echo.Quote(segment)} is not one of {string.Join(", ", ProviderSegments.All)}";
    }

    public static string? Integration(string text, out IntegrationFqn? fqn)
    {
        fqn = null;
        var parts = text.Split(':');
        if (parts.Length != 5)
        {
            return $"integration FQN must have 5 ':'-separated segments {IntegrationShape}, got {parts.Length} in {Echo.Quote(text)}";
        }

        var providerProblem = Provider(parts[1], out var provider);
        var problem = Name("tenant", parts[0]) ?? providerProblem ?? Name("provider account", parts[2]);
        if (problem is null && parts[3] != IntegrationFqn.SecretStoreSegment)
        {
            problem = $"fourth segment of an integration FQN must be '{IntegrationFqn.SecretStoreSegment}', got {Echo.Quote(parts[3])}";
        }

        problem ??= Name("integration name", parts[4]);
        if (problem is null)
        {
            fqn = new IntegrationFqn(parts[0], provider, parts[2], parts[4]);
        }

        return problem;
    }

    public static string? Group(string text, out GroupFqn? fqn)
    {
        fqn = null;
        var parts = text.Split(':');
        if (parts.Length != 2)
        {
            return $"group FQN must have 2 ':'-separated segments <tenant>:<group>, got {parts.Length} in {Echo.Quote(text)}";
        }

        var problem = Name("tenant", parts[0]) ?? Name("group name", parts[1]);
        if (problem is null)
        {
            fqn = new GroupFqn(parts[0], parts[1]);
        }

        return problem;
    }

    public static string? Secret(string text, out SecretFqn? fqn)
    {
        fqn = null;
        if (!text.StartsWith(ReferenceParser.SecretScheme, StringComparison.Ordinal))
        {
            return SchemeTypo(text) ?? $"secret FQN {Echo.Quote(text)} must start with '{ReferenceParser.SecretScheme}'";
        }

        var rest = text[ReferenceParser.SecretScheme.Length..];
        var parts = rest.Split(':');
        if (parts.Length != 3)
        {
            return $"secret FQN must have 3 ':'-separated segments after '{ReferenceParser.SecretScheme}' "
                + $"<tenant>:<group>:<key>, got {parts.Length} in {Echo.Quote(text)}";
        }

        var problem = Name("tenant", parts[0]) ?? Name("group name", parts[1]) ?? Key(parts[2]);
        if (problem is null)
        {
            fqn = new SecretFqn(parts[0], parts[1], parts[2]);
        }

        return problem;
    }

    public static string? Path(string path)
    {
        if (path.Length == 0)
        {
            return $"path after '{StorePathReference.Separator}' is empty";
        }

        if (path.Length > MaxPathLength)
        {
            return $"path is {path.Length} characters long; at most {MaxPathLength} are allowed";
        }

        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c is <= ' ' or > '~')
            {
                return $"path {Echo.Quote(path)} may contain only printable ASCII without spaces: "
                    + $"{Describe(c)} at position {i + 1} is not allowed";
            }
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment == "..")
            {
                return $"path {Echo.Quote(path)} must not contain a '..' segment";
            }
        }

        return null;
    }

    /// <summary>Catches near misses of our schemes: wrong case, a missing slash. Only when a '/' follows the
    /// "tfy-secret:" stem: "tfy-secret:aws:..." is a store path reference of a tenant named tfy-secret.</summary>
    public static string? SchemeTypo(string text)
    {
        foreach (var scheme in new[] { ReferenceParser.SecretScheme, ReferenceParser.K8sSecretScheme })
        {
            var stem = scheme[..^2]; // "tfy-secret:" without "//"
            if (text.StartsWith(stem, StringComparison.OrdinalIgnoreCase)
                && text.Length > stem.Length
                && text[stem.Length] == '/'
                && !text.StartsWith(scheme, StringComparison.Ordinal))
            {
                var shown = text.Length > scheme.Length ? text[..scheme.Length] : text;
                return $"reference must start with exactly '{scheme}' (lowercase, two slashes), got {Echo.Quote(shown)}";
            }
        }

        return null;
    }

    /// <summary>The scheme (<c>xyz://</c>) at the start of the text, if there is one.</summary>
    public static string? LeadingScheme(string text)
    {
        var end = text.IndexOf("://", StringComparison.Ordinal);
        if (end <= 0 || !char.IsAsciiLetter(text[0]))
        {
            return null;
        }

        for (var i = 1; i < end; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(text[i]) || text[i] is '+' or '-' or '.'))
            {
                return null;
            }
        }

        return text[..(end + 3)];
    }

    public static string Forms(ReferenceForms allowed)
    {
        var forms = new List<string>(3);
        if (allowed.HasFlag(ReferenceForms.GroupKey))
        {
            forms.Add($"{ReferenceParser.SecretScheme}<tenant>:<group>:<key>");
        }

        if (allowed.HasFlag(ReferenceForms.StorePath))
        {
            forms.Add($"<integration-fqn>{StorePathReference.Separator}<path>");
        }

        if (allowed.HasFlag(ReferenceForms.K8sSecret))
        {
            forms.Add($"{ReferenceParser.K8sSecretScheme}<KEY>");
        }

        return forms.Count switch
        {
            0 => "no reference",
            1 => forms[0],
            _ => string.Join(", ", forms.Take(forms.Count - 1)) + " or " + forms[^1],
        };
    }


    private static string Describe(char c) => c switch
    {
        ' ' => "a space",
        < ' ' or > '~' => $"character U+{(int)c:X4}",
        _ => $"'{c}'",
    };
}
