using Operator.References;

namespace Operator.Stores.Hashicorp;

/// <summary>
/// A path in the hashicorp store: <c>&lt;entry path&gt;#&lt;field&gt;</c>, a field of a KV v2 entry under the
/// integration's KV mount. A group's keys are the fields of one entry, <c>&lt;rootPath&gt;/&lt;tenant&gt;/&lt;group&gt;</c>.
/// </summary>
internal readonly record struct VaultPath(string Entry, string Field)
{
    public const char FieldSeparator = '#';

    /// <summary>Splits and checks a path; anything malformed is an <see cref="StoreErrorKind.InvalidPath"/> before any call.</summary>
    public static VaultPath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var hash = path.IndexOf(FieldSeparator, StringComparison.Ordinal);
        if (hash < 0)
        {
            throw Invalid(path, "the '#<field>' is missing; a hashicorp path is <entry path>#<field>, e.g. team/app#API_KEY");
        }

        if (path.IndexOf(FieldSeparator, hash + 1) >= 0)
        {
            throw Invalid(path, "it holds more than one '#'");
        }

        var entry = path[..hash];
        var field = path[(hash + 1)..];
        if (SegmentProblem(entry, "entry path") is { } problem)
        {
            throw Invalid(path, problem);
        }

        if (ReferenceParser.DescribeInvalidSecretKey(field) is { } keyProblem)
        {
            throw Invalid(path, $"field: {keyProblem}");
        }

        return new VaultPath(entry, field);
    }

    /// <summary>Why <paramref name="value"/> is not a '/'-separated path of non-empty, non-dot segments; null when it is.</summary>
    public static string? SegmentProblem(string value, string what)
    {
        if (value.Length == 0)
        {
            return $"{what} is empty";
        }

        if (value.Length > 1024)
        {
            return $"{what} is {value.Length} characters long; at most 1024 are allowed";
        }

        foreach (var c in value)
        {
            if (c is <= ' ' or > '~' or '#' or '?' or '%' or '\\')
            {
                return $"{what} may contain only printable ASCII without spaces, '#', '?', '%' or '\\'";
            }
        }

        foreach (var segment in value.Split('/'))
        {
            if (segment.Length == 0)
            {
                return $"{what} has an empty segment (leading, trailing or double '/')";
            }

            if (segment is "." or "..")
            {
                return $"{what} must not contain a '{segment}' segment";
            }
        }

        return null;
    }

    /// <summary>Escapes each segment for a URL path.</summary>
    public static string Escape(string segments) => string.Join('/', segments.Split('/').Select(Uri.EscapeDataString));

    public override string ToString() => $"{Entry}{FieldSeparator}{Field}";

    private static SecretStoreException Invalid(string path, string problem) =>
        new(StoreErrorKind.InvalidPath, $"hashicorp path {Echo.Quote(path)}: {problem}");
}
