using Operator.Entities.V1Alpha1;

namespace Operator.RestApi;

/// <summary>An authenticated caller: its subjects (<c>user:x</c>, <c>team:y</c>) as collaborators name them.</summary>
public sealed record Caller(IReadOnlySet<string> Subjects)
{
    /// <summary>The subject to name in logs (a user, else the first team).</summary>
    public string Name => Subjects.FirstOrDefault(s => s.StartsWith("user:", StringComparison.Ordinal)) ?? Subjects.FirstOrDefault() ?? "unknown";
}

/// <summary>What a caller may do with a group, from least to most.</summary>
public enum GroupRole
{
    None = 0,
    Viewer = 1,
    Editor = 2,
    Admin = 3,
}

/// <summary>Roles from a group's collaborators and the tenant admins (who hold every role on every group).</summary>
public static class GroupRoles
{
    public const string AdminRole = "secret-group-admin";
    public const string EditorRole = "secret-group-editor";
    public const string ViewerRole = "secret-group-viewer";

    public static GroupRole Parse(string? roleId) => roleId switch
    {
        AdminRole => GroupRole.Admin,
        EditorRole => GroupRole.Editor,
        ViewerRole => GroupRole.Viewer,
        _ => GroupRole.None,
    };

    public static bool IsTenantAdmin(Caller caller, IReadOnlyList<string> tenantAdmins)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(tenantAdmins);
        return tenantAdmins.Any(caller.Subjects.Contains);
    }

    public static GroupRole RoleOf(SecretGroup group, Caller caller, IReadOnlyList<string> tenantAdmins)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (IsTenantAdmin(caller, tenantAdmins))
        {
            return GroupRole.Admin;
        }

        return (group.Spec.Collaborators ?? [])
            .Where(c => caller.Subjects.Contains(c.Subject))
            .Select(c => Parse(c.RoleId))
            .DefaultIfEmpty(GroupRole.None)
            .Max();
    }
}
