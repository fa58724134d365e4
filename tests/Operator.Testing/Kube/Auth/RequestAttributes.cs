using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Kube;

/// <summary>
/// What the authorizer is asked about one request (authorizer.Attributes): a resource request
/// (verb, API group, resource, subresource, namespace, name) or a non-resource request (verb, path).
/// </summary>
internal sealed record RequestAttributes(
    KubeUser User,
    string Verb,
    bool IsResourceRequest,
    string Path = "",
    string ApiGroup = "",
    string ApiVersion = "",
    string Resource = "",
    string Subresource = "",
    string Namespace = "",
    string Name = "")
{
    private static readonly HashSet<string> NamespaceSubresources = new(["status", "finalize"], StringComparer.Ordinal);

    /// <summary>resource or resource/subresource, as RBAC rules name it.</summary>
    public string CombinedResource => Subresource.Length == 0 ? Resource : Resource + "/" + Subresource;

    /// <summary>Takes a request apart the way kube-apiserver's RequestInfoFactory.NewRequestInfo does.</summary>
    public static RequestAttributes Resolve(KubeUser user, HttpRequest request)
    {
        var path = request.Path.Value ?? "/";
        var verb = request.Method.ToLowerInvariant();
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || parts[0] is not ("api" or "apis") || (parts[0] == "apis" && parts.Length < 4))
        {
            return new RequestAttributes(user, verb, false, path);
        }

        var (group, rest) = parts[0] == "api" ? ("", parts[1..]) : (parts[1], parts[2..]);
        var version = rest[0];
        rest = rest[1..];
        if (rest[0] is "watch" or "proxy" && rest.Length >= 2)
        {
            (verb, rest) = (rest[0], rest[1..]);
        }
        else
        {
            verb = request.Method switch
            {
                "POST" => "create",
                "GET" or "HEAD" => "get",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                _ => "",
            };
        }

        var ns = "";
        if (rest[0] == "namespaces" && rest.Length > 1)
        {
            ns = Uri.UnescapeDataString(rest[1]);
            if (rest.Length > 2 && !NamespaceSubresources.Contains(rest[2]))
            {
                rest = rest[2..];
            }
        }

        var resource = rest[0];
        var name = rest.Length >= 2 ? Uri.UnescapeDataString(rest[1]) : "";
        var subresource = rest.Length >= 3 && verb != "proxy" ? rest[2] : "";
        if (name.Length == 0 && verb == "get")
        {
            var watch = ((string?)request.Query["watch"])?.ToLowerInvariant();
            verb = watch is not (null or "" or "false" or "0") ? "watch" : "list";
            name = ExactName(request.Query["fieldSelector"]) ?? "";
        }

        if (name.Length == 0 && verb == "delete")
        {
            verb = "deletecollection";
        }

        return new RequestAttributes(user, verb, true, path, group, version, resource, subresource, ns, name);
    }

    /// <summary>
    /// The name a field selector pins (fields.Selector.RequiresExactMatch("metadata.name")): only then may a list or
    /// watch match a rule's resourceNames. A name that is not a valid path segment is ignored, as the real server does.
    /// </summary>
    private static string? ExactName(string? fieldSelector)
    {
        foreach (var term in (fieldSelector ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            var op = term.Contains("!=", StringComparison.Ordinal) ? -1 : term.IndexOf('=', StringComparison.Ordinal);
            if (op > 0 && term[..op].Trim() == "metadata.name")
            {
                var value = term[(op + 1)..].TrimStart('=').Trim();
                return value.Length == 0 || value is "." or ".." || value.Contains('/', StringComparison.Ordinal) || value.Contains('%', StringComparison.Ordinal) ? null : value;
            }
        }

        return null;
    }
}
