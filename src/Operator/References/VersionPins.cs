using System.Text.RegularExpressions;

namespace Operator.References;

/// <summary>
/// A version pinned in a store path, in each provider's own notation: AWS <c>name:3</c> or <c>name:label</c> (SSM's
/// selector; Secrets Manager takes a VersionId or staging label there, before any <c>#key</c>), GCP
/// <c>secret/versions/3</c>, Azure <c>name/&lt;32 hex version id&gt;</c>, Vault <c>entry#field?version=3</c>. Other
/// providers (the built-in kubernetes store) keep no versions, so their paths are never split.
/// </summary>
public static partial class VersionPins
{
    /// <summary>Splits <paramref name="text"/> (a store path as written at <paramref name="field"/>) into the path and its pinned version.</summary>
    public static bool TryParse(Provider provider, string text, string field, out string path, out string? version, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        (path, version, error) = (text, null, null);
        string? problem;
        switch (provider.ToSegment())
        {
            case "aws":
                var hash = text.IndexOf('#', StringComparison.Ordinal);
                var head = hash < 0 ? text : text[..hash];
                var colon = head.LastIndexOf(':');
                if (colon < 0)
                {
                    return true;
                }

                (path, version) = (head[..colon] + (hash < 0 ? "" : text[hash..]), head[(colon + 1)..]);
                problem = AwsVersion().IsMatch(version) ? null
                    : $"version {Echo.Quote(version)} after ':' is not a version number, label, VersionId or staging label (letters, digits and _.-+=@, at most 256)";
                break;
            case "gcp":
                var gcp = GcpVersion().Match(text);
                if (!gcp.Success)
                {
                    return true;
                }

                (path, version) = (gcp.Groups["path"].Value, gcp.Groups["version"].Value);
                problem = version == "latest" ? null : Number(version, "/versions/");
                version = version == "latest" ? null : version;
                break;
            case "azure":
                var slash = text.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0)
                {
                    return true;
                }

                (path, version) = (text[..slash], text[(slash + 1)..]);
                problem = AzureVersion().IsMatch(version) ? null : $"version {Echo.Quote(version)} after '/' is not a Key Vault version id (32 hexadecimal characters)";
                break;
            case "hashicorp":
                var query = text.IndexOf('?', StringComparison.Ordinal);
                if (query < 0)
                {
                    return true;
                }

                (path, version) = (text[..query], text[(query + 1)..]);
                problem = version.StartsWith("version=", StringComparison.Ordinal) ? Number(version = version["version=".Length..], "?version=")
                    : $"{Echo.Quote("?" + version)}: the only query a hashicorp path takes is ?version=<number>";
                break;
            default:
                return true;
        }

        if (problem is null && path.Length == 0)
        {
            problem = "the path before the version is empty";
        }

        error = problem is null ? null : ReferenceParser.FormatError(field, problem);
        return problem is null;
    }

    /// <summary>The path with <paramref name="version"/> pinned, in the provider's notation (what <see cref="TryParse"/> reads back).</summary>
    public static string Format(Provider provider, string path, string? version)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (version is null)
        {
            return path;
        }

        switch (provider.ToSegment())
        {
            case "aws":
                var hash = path.IndexOf('#', StringComparison.Ordinal);
                return hash < 0 ? $"{path}:{version}" : $"{path[..hash]}:{version}{path[hash..]}";
            case "gcp":
                return $"{path}/versions/{version}";
            case "azure":
                return $"{path}/{version}";
            case "hashicorp":
                return $"{path}?version={version}";
            default:
                return path;
        }
    }

    private static string? Number(string version, string after) =>
        long.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 && version[0] != '0'
            ? null
            : $"version {Echo.Quote(version)} after '{after}' is not a version number (1, 2, ...)";

    [GeneratedRegex(@"^[A-Za-z0-9_.+=@-]{1,256}$")]
    private static partial Regex AwsVersion();

    [GeneratedRegex(@"^(?<path>.*)/versions/(?<version>[^/]*)$")]
    private static partial Regex GcpVersion();

    [GeneratedRegex(@"^[0-9a-fA-F]{32}$")]
    private static partial Regex AzureVersion();
}
