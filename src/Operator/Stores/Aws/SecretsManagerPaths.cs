using System.Text.RegularExpressions;

namespace Operator.Stores.Aws;

/// <summary>
/// Secrets Manager paths: <c>&lt;secret name&gt;</c> for a whole secret, <c>&lt;secret name&gt;#&lt;JSON key&gt;</c> for one
/// key of a JSON secret. A name is 1 to 512 of <c>A-Za-z0-9/_+=.@-</c> (CreateSecret's Name), so <c>#</c> never
/// belongs to it. A version is a VersionId (32 to 64 characters) or a staging label (AWSCURRENT, AWSPREVIOUS, ...).
/// </summary>
internal static partial class SecretsManagerPaths
{
    public const int MaxNameLength = 512;

    /// <summary>The secret name and JSON key of <paramref name="path"/>; throws <see cref="StoreErrorKind.InvalidPath"/>.</summary>
    public static (string Name, string? Key) Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var hash = path.IndexOf('#', StringComparison.Ordinal);
        var (name, key) = hash < 0 ? (path, null) : (path[..hash], path[(hash + 1)..]);
        if (NameProblem(name) is { } problem)
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"{Echo.Quote(path)} is not a Secrets Manager path: the secret name {problem}");
        }

        if (key is { Length: 0 })
        {
            throw new SecretStoreException(StoreErrorKind.InvalidPath, $"{Echo.Quote(path)} is not a Secrets Manager path: nothing follows '#' (write <secret>#<JSON key>)");
        }

        return (name, key);
    }

    /// <summary>Why <paramref name="name"/> cannot name a secret, or null.</summary>
    public static string? NameProblem(string name) =>
        name.Length is 0 or > MaxNameLength ? $"must be 1 to {MaxNameLength} characters"
        : !NameCharacters().IsMatch(name) ? "may hold only letters, digits and /_+=.@-"
        : null;

    /// <summary>A VersionId as Secrets Manager makes them (ClientRequestToken: 32 to 64 characters, a UUID by default).</summary>
    public static bool IsVersionId(string version) => VersionIdCharacters().IsMatch(version);

    /// <summary>A staging label: 1 to 256 characters (the fake and the service refuse whitespace).</summary>
    public static bool IsStage(string version) => StageCharacters().IsMatch(version);

    [GeneratedRegex("^[A-Za-z0-9/_+=.@-]+$")]
    private static partial Regex NameCharacters();

    [GeneratedRegex("^[A-Za-z0-9-]{32,64}$")]
    private static partial Regex VersionIdCharacters();

    [GeneratedRegex("^[A-Za-z0-9_+=.@-]{1,256}$")]
    private static partial Regex StageCharacters();
}
