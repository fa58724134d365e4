namespace Operator.Testing.Kube;

/// <summary>
/// The authorizer chain of a kube-apiserver with <c>--authorization-mode=RBAC</c>: members of system:masters are
/// allowed everything (the privileged-group authorizer runs first), then RBAC decides. When
/// <see cref="Enforcing"/> is off, every request is allowed (AlwaysAllow).
/// </summary>
internal sealed class RbacAuthorizer(RbacIndex index, bool enforcing)
{
    public bool Enforcing => enforcing;

    public RbacIndex Index => index;

    /// <summary>Allowed, and the reason RBAC gives ("RBAC: allowed by ...", or on a denial the roles it could not find).</summary>
    public (bool Allowed, string Reason) Authorize(RequestAttributes request)
    {
        if (!enforcing || request.User.IsSuperuser)
        {
            return (true, "");
        }

        return Rbac(request);
    }

    /// <summary>RBAC alone, as access reviews report it (system:masters is allowed by its bootstrap cluster-admin binding).</summary>
    public (bool Allowed, string Reason) Rbac(RequestAttributes request)
    {
        var source = "";
        var (allowed, errors) = index.VisitRules(request.User, request.IsResourceRequest ? request.Namespace : "", (rule, binding) =>
        {
            source = binding;
            return rule.Allows(request);
        });
        if (allowed)
        {
            return (true, "RBAC: allowed by " + source);
        }

        return (false, errors.Count switch
        {
            0 => "",
            1 => "RBAC: " + errors[0],
            _ => "RBAC: [" + string.Join(", ", errors) + "]",
        });
    }

    /// <summary>The 403 the API server answers (responsewriters.Forbidden), naming the user, verb, resource and scope.</summary>
    public static KubeApiException Forbidden(RequestAttributes request, string reason)
    {
        var user = request.User.Name;
        string message;
        if (!request.IsResourceRequest)
        {
            message = $"User \"{user}\" cannot {request.Verb} path \"{request.Path}\"";
        }
        else if (request.Namespace.Length > 0)
        {
            message = $"User \"{user}\" cannot {request.Verb} resource \"{request.CombinedResource}\" in API group \"{request.ApiGroup}\" in the namespace \"{request.Namespace}\"";
        }
        else
        {
            message = $"User \"{user}\" cannot {request.Verb} resource \"{request.CombinedResource}\" in API group \"{request.ApiGroup}\" at the cluster scope";
        }

        if (reason.Length > 0)
        {
            message += ": " + reason;
        }

        return ForbiddenStatus(request.ApiGroup, request.Resource, request.Name, message);
    }

    /// <summary>apierrors.NewForbidden: <c>&lt;resource.group&gt; "&lt;name&gt;" is forbidden: &lt;why&gt;</c>.</summary>
    public static KubeApiException ForbiddenStatus(string group, string resource, string name, string why)
    {
        var qualified = group.Length == 0 ? resource : resource + "." + group;
        var message = qualified.Length == 0 ? $"forbidden: {why}"
            : name.Length == 0 ? $"{qualified} is forbidden: {why}"
            : $"{qualified} \"{name}\" is forbidden: {why}";
        var details = new System.Text.Json.Nodes.JsonObject();
        if (name.Length > 0)
        {
            details["name"] = name;
        }

        if (group.Length > 0)
        {
            details["group"] = group;
        }

        if (resource.Length > 0)
        {
            details["kind"] = resource;
        }

        return new KubeApiException(403, "Forbidden", message, details);
    }
}
