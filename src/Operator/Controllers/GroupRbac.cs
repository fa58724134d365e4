using k8s.Models;
using Operator.Entities.V1Alpha1;

namespace Operator.Controllers;

/// <summary>
/// Turns collaborators into Roles and RoleBindings limited by resourceNames, so the API server itself enforces them:
/// viewer reads the group (keys, never values); editor also updates it and reads the managed Secret; admin also deletes.
/// </summary>
public static class GroupRbac
{
    /// <summary>Name of the Role and RoleBinding of <paramref name="role"/> for <paramref name="group"/>.</summary>
    public static string NameOf(string group, string role) => $"secretgroup-{group}-{role["secret-group-".Length..]}";

    /// <summary>Desired Roles and RoleBindings; a role nobody holds gets neither.</summary>
    public static (IReadOnlyList<V1Role> Roles, IReadOnlyList<V1RoleBinding> Bindings) Desired(SecretGroup group, string secretName, IReadOnlyCollection<string> tenantAdmins)
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
                Rules = Rules(group.Metadata.Name, secretName, role),
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

    /// <summary><c>user:&lt;email&gt;</c> is an RBAC User, <c>team:&lt;name&gt;</c> a Group; anything else is ignored.</summary>
    public static Rbacv1Subject? ToSubject(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.StartsWith("user:", StringComparison.Ordinal) && subject.Length > 5)
        {
            return new Rbacv1Subject { Kind = "User", Name = subject[5..], ApiGroup = "rbac.authorization.k8s.io" };
        }

        if (subject.StartsWith("team:", StringComparison.Ordinal) && subject.Length > 5)
        {
            return new Rbacv1Subject { Kind = "Group", Name = subject[5..], ApiGroup = "rbac.authorization.k8s.io" };
        }

        return null;
    }

    private static List<V1PolicyRule> Rules(string group, string secretName, string role)
    {
        var groupVerbs = new List<string> { "get", "list", "watch" };
        if (role is GroupRoles.Editor or GroupRoles.Admin)
        {
            groupVerbs.AddRange(["update", "patch"]);
        }

        if (role == GroupRoles.Admin)
        {
            groupVerbs.Add("delete");
        }

        var rules = new List<V1PolicyRule>
        {
            new() { ApiGroups = [Api.Group], Resources = ["secretgroups"], ResourceNames = [group], Verbs = groupVerbs },
        };
        if (role is GroupRoles.Editor or GroupRoles.Admin)
        {
            rules.Add(new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], ResourceNames = [secretName], Verbs = ["get"] });
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
        OwnerReferences = [OwnedObjects.ReferenceTo(group)],
    };
}
