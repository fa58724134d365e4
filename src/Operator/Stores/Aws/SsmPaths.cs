using System.Text.RegularExpressions;

namespace Operator.Stores.Aws;

/// <summary>SSM parameter name rules, checked before any call so a bad path never reaches AWS.</summary>
internal static partial class SsmPaths
{
    public const int MaxLength = 2048;
    public const int MaxLevels = 15;

    [GeneratedRegex("^/?[a-zA-Z0-9_.\\-/]+$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    /// <summary>Why <paramref name="path"/> is not a valid parameter name, or null when it is.</summary>
    public static string? Describe(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "is empty";
        }

        if (path.Length > MaxLength)
        {
            return $"is longer than {MaxLength} characters";
        }

        if (!NamePattern().IsMatch(path))
        {
            return "may only hold letters, digits and _ . - /";
        }

        if (path.Contains("//", StringComparison.Ordinal))
        {
            return "holds an empty level ('//')";
        }

        if (path.Contains('/', StringComparison.Ordinal) && !path.StartsWith('/'))
        {
            return "must start with '/' when it has levels";
        }

        if (path.EndsWith('/'))
        {
            return "must not end with '/'";
        }

        if (path.Count(c => c == '/') > MaxLevels)
        {
            return $"has more than {MaxLevels} levels";
        }

        var first = path.TrimStart('/');
        if (first.StartsWith("aws", StringComparison.OrdinalIgnoreCase) || first.StartsWith("ssm", StringComparison.OrdinalIgnoreCase))
        {
            return "must not start with 'aws' or 'ssm' (reserved by AWS)";
        }

        return null;
    }

    /// <summary>Throws <see cref="StoreErrorKind.InvalidPath"/> for an invalid name.</summary>
    public static void Check(string path)
    {
        if (Describe(path) is { } problem)
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"SSM parameter name {Echo.Quote(path)} {problem}");
        }
    }

    /// <summary>The prefix as a directory: always ends with '/'.</summary>
    public static string NormalisePrefix(string? prefix)
    {
        var p = string.IsNullOrEmpty(prefix) ? SsmStore.DefaultPrefix : prefix;
        return p.EndsWith('/') ? p : p + "/";
    }
}
