using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>
/// RBAC escalation prevention on writes of Roles, ClusterRoles and their bindings (pkg/registry/rbac/*/policybased):
/// a role may be written only by someone who already holds every permission in it or may <c>escalate</c> on it; a
/// binding only by someone who holds every permission of the role it references or may <c>bind</c> that role.
/// system:masters may do anything. Also refuses a changed roleRef, which the API server validates as immutable.
/// </summary>
internal sealed class RbacEscalation(RbacAuthorizer authorizer)
{
    private static readonly PolicyRule[] FullAuthority =
    [
        new(["*"], ["*"], ["*"], [], []),
        new(["*"], [], [], [], ["*"]),
    ];

    /// <summary>Throws the API server's 403 (or 422) when <paramref name="user"/> may not write <paramref name="updated"/>.</summary>
    public void Check(KubeUser user, ResourceType type, string ns, JsonObject? old, JsonObject updated)
    {
        if (type.Group != RbacIndex.Group)
        {
            return;
        }

        var isBinding = type.Plural is "rolebindings" or "clusterrolebindings";
        var name = Meta.Name(updated).Length > 0 || old is null ? Meta.Name(updated) : Meta.Name(old);
        if (isBinding && old is not null && !JsonNode.DeepEquals(old["roleRef"], updated["roleRef"]))
        {
            throw KubeApiException.Invalid(type, name, [FieldError.InvalidValue("roleRef", updated["roleRef"], "cannot change roleRef")]);
        }

        if (!authorizer.Enforcing || user.IsSuperuser || (old is not null && OnlyGarbageCollectorFields(old, updated)))
        {
            return;
        }

        if (isBinding)
        {
            CheckBinding(user, type, ns, name, updated);
        }
        else
        {
            CheckRole(user, type, ns, name, old, updated);
        }
    }

    private void CheckRole(KubeUser user, ResourceType type, string ns, string name, JsonObject? old, JsonObject updated)
    {
        if (Allowed(user, "escalate", type.Plural, ns, name))
        {
            return;
        }

        Confirm(user, type, ns, name, PolicyRule.ParseAll(updated["rules"]));
        var aggregation = updated["aggregationRule"];
        if (aggregation is not null && (old is null || !JsonNode.DeepEquals(old["aggregationRule"], aggregation))
            && PolicyRule.Uncovered(authorizer.Index.RulesFor(user, "").Rules, FullAuthority).Count > 0)
        {
            throw RbacAuthorizer.ForbiddenStatus(type.Group, type.Plural, name, "must have cluster-admin privileges to use the aggregationRule");
        }
    }

    private void CheckBinding(KubeUser user, ResourceType type, string ns, string name, JsonObject binding)
    {
        var role = new RoleRef((string?)binding["roleRef"]?["kind"] ?? "", (string?)binding["roleRef"]?["name"] ?? "");
        var resource = role.Kind == "ClusterRole" ? "clusterroles" : "roles";
        if (Allowed(user, "bind", resource, ns, role.Name))
        {
            return;
        }

        var (rules, error) = authorizer.Index.RulesOf(role, ns);
        if (error is not null)
        {
            throw RbacAuthorizer.ForbiddenStatus(type.Group, type.Plural, name, error);
        }

        Confirm(user, type, ns, name, rules);
    }

    // ConfirmNoEscalation: the writer's own rules in this namespace must cover every rule granted.
    private void Confirm(KubeUser user, ResourceType type, string ns, string name, IReadOnlyList<PolicyRule> granted)
    {
        var (owned, errors) = authorizer.Index.RulesFor(user, ns);
        var missing = PolicyRule.Uncovered(owned, granted);
        if (missing.Count == 0)
        {
            return;
        }

        var lines = PolicyRule.Compact(missing).Select(r => r.CompactString()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var message = $"user \"{user.Name}\" (groups={ServiceAccountTokens.Go(user.Groups)}) is attempting to grant RBAC permissions not currently held:\n{string.Join("\n", lines)}";
        if (errors.Count > 0)
        {
            message += $"; resolution errors: [{string.Join(" ", errors)}]";
        }

        throw RbacAuthorizer.ForbiddenStatus(type.Group, type.Plural, name, message);
    }

    private bool Allowed(KubeUser user, string verb, string resource, string ns, string name) =>
        authorizer.Authorize(new RequestAttributes(user, verb, true, "", RbacIndex.Group, "*", resource, "", ns, name)).Allowed;

    // IsOnlyMutatingGCFields: the garbage collector may edit ownerReferences and finalizers of any role or binding.
    private static bool OnlyGarbageCollectorFields(JsonObject old, JsonObject updated)
    {
        static JsonObject Strip(JsonObject o)
        {
            var copy = o.DeepClone().AsObject();
            var metadata = Meta.Of(copy);
            foreach (var field in new[] { "ownerReferences", "finalizers", "resourceVersion", "managedFields" })
            {
                metadata.Remove(field);
            }

            return copy;
        }

        return JsonNode.DeepEquals(Strip(old), Strip(updated));
    }
}
