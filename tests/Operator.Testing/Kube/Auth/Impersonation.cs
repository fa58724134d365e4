using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Kube;

/// <summary>
/// The Impersonate-User / -Group / -Uid / -Extra-* headers (kubectl --as, --as-group, --as-uid), handled as
/// kube-apiserver's WithImpersonation filter does: each thing asked for is authorised in turn (the user or
/// ServiceAccount, then each group, each extra value, the uid) with verb <c>impersonate</c>, and the first one refused
/// ends the request with 403. Groups, extras or a uid without a user are a 500, as in the real filter.
/// </summary>
internal static class Impersonation
{
    private const string UserHeader = "Impersonate-User";
    private const string GroupHeader = "Impersonate-Group";
    private const string UidHeader = "Impersonate-Uid";
    private const string ExtraPrefix = "Impersonate-Extra-";
    private const string AuthenticationGroup = "authentication.k8s.io";

    /// <summary>The identity the request acts as: <paramref name="requestor"/> itself when no impersonation headers are sent.</summary>
    public static KubeUser Apply(KubeUser requestor, IHeaderDictionary headers, RbacAuthorizer authorizer)
    {
        var asUser = (string?)headers[UserHeader] ?? "";
        var groupsAsked = headers[GroupHeader].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!).ToList();
        var uid = (string?)headers[UidHeader] ?? "";
        var extras = headers.Where(h => h.Key.StartsWith(ExtraPrefix, StringComparison.OrdinalIgnoreCase))
            .Select(h => (Key: Uri.UnescapeDataString(h.Key[ExtraPrefix.Length..].ToLowerInvariant()), Values: h.Value.Select(v => v ?? "").ToList()))
            .ToList();
        if (asUser.Length == 0)
        {
            if (groupsAsked.Count > 0 || extras.Count > 0 || uid.Length > 0)
            {
                throw new KubeApiException(500, "InternalError",
                    $"Internal error occurred: requested impersonation of groups, extra or uid without impersonating a user");
            }

            return requestor;
        }

        var groups = new List<string>();
        string userName;
        if (KubeUser.SplitServiceAccount(asUser) is { } serviceAccount)
        {
            Check(requestor, authorizer, "", "serviceaccounts", "", serviceAccount.Namespace, serviceAccount.Name);
            userName = asUser;
            if (groupsAsked.Count == 0)
            {
                groups.AddRange(KubeUser.ServiceAccountGroups(serviceAccount.Namespace));
            }
        }
        else
        {
            Check(requestor, authorizer, "", "users", "", "", asUser);
            userName = asUser;
        }

        foreach (var group in groupsAsked)
        {
            Check(requestor, authorizer, "", "groups", "", "", group);
            groups.Add(group);
        }

        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, values) in extras)
        {
            foreach (var value in values)
            {
                Check(requestor, authorizer, AuthenticationGroup, "userextras", key, "", value);
            }

            extra[key] = values;
        }

        if (uid.Length > 0)
        {
            Check(requestor, authorizer, AuthenticationGroup, "uids", "", "", uid);
        }

        if (userName != KubeUser.Anonymous)
        {
            if (!groups.Contains(KubeUser.AllAuthenticated) && !groups.Contains(KubeUser.AllUnauthenticated))
            {
                groups.Add(KubeUser.AllAuthenticated);
            }
        }
        else if (!groups.Contains(KubeUser.AllUnauthenticated))
        {
            groups.Add(KubeUser.AllUnauthenticated);
        }

        return new KubeUser(userName, groups, uid) { Extra = extra };
    }

    private static void Check(KubeUser requestor, RbacAuthorizer authorizer, string group, string resource, string subresource, string ns, string name)
    {
        var attributes = new RequestAttributes(requestor, "impersonate", true, "", group, "", resource, subresource, ns, name);
        var (allowed, reason) = authorizer.Authorize(attributes);
        if (!allowed)
        {
            throw RbacAuthorizer.Forbidden(attributes, reason);
        }
    }
}
