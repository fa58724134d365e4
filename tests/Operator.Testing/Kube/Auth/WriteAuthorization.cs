using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>What RBAC asks of a write beyond its own verb: escalation prevention on RBAC objects, and `create` for a write that creates.</summary>
internal sealed class WriteAuthorization(RbacAuthorizer authorizer)
{
    private readonly RbacEscalation _escalation = new(authorizer);

    /// <summary>Throws when <paramref name="user"/> may not store <paramref name="updated"/> (old: null for a create).</summary>
    public void Check(KubeUser user, ResourceType type, string ns, JsonObject? old, JsonObject updated) =>
        _escalation.Check(user, type, ns, old, updated);

    /// <summary>handlers/rest withAuthorization: a server-side apply that creates is authorised as a create too.</summary>
    public void RequireCreate(KubeUser user, ResourceType type, string ns, string name)
    {
        var create = new RequestAttributes(user, "create", true, "", type.Group, type.Version, type.Plural, "", ns, name);
        var (allowed, reason) = authorizer.Authorize(create);
        if (!allowed)
        {
            throw RbacAuthorizer.ForbiddenStatus(type.Group, type.Plural, name, reason);
        }
    }
}
