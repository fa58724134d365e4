using k8s.Models;
using Operator.Entities.V1Alpha1;

namespace Operator.Controllers;

/// <summary>
/// Turns collaborators into Roles and RoleBindings limited by resourceNames, so the API server itself enforces them:
/// viewer reads the group (keys, never values); editor also reads the managed Secret (values change through the REST
/// API, never the spec); admin also updates and deletes the group. The Secret rule exists only for a Secret the group
/// owns (it wrote it): a group naming somebody else's Secret grants nothing on it.
/// </summary>
public static class GroupRbac
{
    /// <summary>Name of the Role and RoleBinding of <paramref name="role"/> for <paramref name="group"/>.</summary>
    public static string NameOf(string group, string role) => $"secretgroup-{group}-{role["secret-group-".Length..]}";

    /// <summary>Desired Roles and RoleBindings; a role nobody holds gets neither; <paramref name="ownedSecret"/> null: no Secret rule.</summary>
    public static (IReadOnlyList<V1Role> Roles, IReadOnlyList<V1RoleBinding> Bindings) Desired(SecretGroup group, string? ownedSecret, IReadOnlyCollection<string> tenantAdmins)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(tenantAdmins);
        var roles = new List<V1Role>();
        var bindings = new List<V1RoleBinding>();
        foreach (var role in GroupRoles.All)
        {
            var subjects = (group.Spec.Collaborators ?? [])
                .Where(c => c.RoleId == role)
                .Select(c => c.Subject)
                .Concat(role == GroupRoles.Admin ? tenantAdmins : [])
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .Select(ToSubject)
                .OfType<Rbacv1Subject>()
                .ToList();
            if (subjects.Count == 0)
            {
                continue;
            }

            var name = NameOf(group.Metadata.Name, role);
            roles.Add(new V1Role
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "Role",
                Metadata = Meta(group, name),
                Rules = Rules(group.Metadata.Name, ownedSecret, role),
            });
            bindings.Add(new V1RoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "RoleBinding",
                Metadata = Meta(group, name),
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
                Subjects = subjects,
            });
        }

        return (roles, bindings);
    }

    /// <summary>
    /// Why a collaborator cannot be granted anything, or null. <c>system:</c> names are the API server's own identities
    /// and groups (system:authenticated, system:anonymous, system:masters, ServiceAccounts of any namespace): a group
    /// author granting them would hand the Secret to everybody or to another namespace's workloads.
    /// </summary>
    public static string? Problem(SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var collaborators = group.Spec.Collaborators ?? [];
        for (var i = 0; i < collaborators.Count; i++)
        {
            var subject = collaborators[i].Subject ?? "";
            var name = subject.StartsWith("user:", StringComparison.Ordinal) || subject.StartsWith("team:", StringComparison.Ordinal) ? subject[5..] : null;
            if (name is null || name.Length == 0)
            {
                return $"spec.collaborators[{i}].subject: {Echo.Quote(subject)} must be user:<name> or team:<name>";
            }

            if (name.StartsWith("system:", StringComparison.Ordinal))
            {
                return $"spec.collaborators[{i}].subject: {Echo.Quote(subject)} names a Kubernetes system identity or group; grant people or teams, never system: names";
            }
        }

        return null;
    }

    /// <summary><c>user:&lt;email&gt;</c> is an RBAC User, <c>team:&lt;name&gt;</c> a Group; anything else (and any <c>system:</c> name) is ignored.</summary>
    public static Rbacv1Subject? ToSubject(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Length <= 5 || subject.AsSpan(5).StartsWith("system:", StringComparison.Ordinal))
        {
            return null;
        }

        if (subject.StartsWith("user:", StringComparison.Ordinal))
        {
            return new Rbacv1Subject { Kind = "User", Name = subject[5..], ApiGroup = "rbac.authorization.k8s.io" };
        }

        if (subject.StartsWith("team:", StringComparison.Ordinal))
        {
            return new Rbacv1Subject { Kind = "Group", Name = subject[5..], ApiGroup = "rbac.authorization.k8s.io" };
        }

        return null;
    }

    private static List<V1PolicyRule> Rules(string group, string? ownedSecret, string role)
    {
        // Editors get no update/patch: the spec decides who may read and where values go, an admin's call.
        var groupVerbs = new List<string> { "get", "list", "watch" };
        if (role == GroupRoles.Admin)
        {
            groupVerbs.AddRange(["update", "patch", "delete"]);
        }

        var rules = new List<V1PolicyRule>
        {
            new() { ApiGroups = [Api.Group], Resources = ["secretgroups"], ResourceNames = [group], Verbs = groupVerbs },
        };
        if (ownedSecret is not null && role is GroupRoles.Editor or GroupRoles.Admin)
        {
            rules.Add(new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], ResourceNames = [ownedSecret], Verbs = ["get"] });
        }

        return rules;
    }

    private static V1ObjectMeta Meta(SecretGroup group, string name) => new()
    {
        Name = name,
        NamespaceProperty = group.Metadata.NamespaceProperty,
        Labels = new Dictionary<string, string>
        {
            [ManagedLabels.ManagedBy] = ManagedLabels.ManagedByValue,
            [ManagedLabels.Group] = group.Metadata.Name,
        },
        OwnerReferences = [GroupOwnership.ReferenceTo(group)],
    };
}
