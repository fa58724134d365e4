namespace Operator.Testing.Kube;

/// <summary>A resource path taken apart: /api/v1/namespaces/{ns}/{plural}/{name}/{subresource}.</summary>
internal sealed record ApiRequest(string Group, string Version, string Plural, string? Namespace, string? Name, string? Subresource)
{
    public static ApiRequest? Parse(string[] segments)
    {
        int start;
        string group;
        string version;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, start) = ("", segments[1], 2);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, start) = (segments[1], segments[2], 3);
        }
        else
        {
            return null;
        }

        var rest = segments[start..];
        if (rest[0] == "namespaces" && rest.Length >= 3 && !(rest.Length == 3 && rest[2] is "status" or "finalize"))
        {
            return new ApiRequest(group, version, rest[2], rest[1], At(rest, 3), At(rest, 4));
        }

        return rest.Length > 3 ? null : new ApiRequest(group, version, rest[0], null, At(rest, 1), At(rest, 2));
    }

    private static string? At(string[] parts, int index) => index < parts.Length ? Uri.UnescapeDataString(parts[index]) : null;
}
