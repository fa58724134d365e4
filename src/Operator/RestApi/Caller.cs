using Operator.Entities.V1Alpha1;

namespace Operator.RestApi;

/// <summary>An authenticated caller: its subjects (<c>user:x</c>, <c>team:y</c>) as collaborators name them.</summary>
public sealed record Caller(IReadOnlySet<string> Subjects)
{
    /// <summary>The subject to name in logs (a user, else the first team).</summary>
    public string Name => Subjects.FirstOrDefault(s => s.StartsWith("user:", StringComparison.Ordinal)) ?? Subjects.FirstOrDefault() ?? "unknown";

    /// <summary>Whether one of the caller's subjects is a tenant admin (who holds every role on every group).</summary>
    public bool IsTenantAdmin(IReadOnlyList<string> tenantAdmins)
    {
        ArgumentNullException.ThrowIfNull(tenantAdmins);
        return tenantAdmins.Any(Subjects.Contains);
    }

    /// <summary>The caller's role on <paramref name="group"/>: from its collaborators, or admin for a tenant admin.</summary>
    public GroupRole RoleOn(SecretGroup group, IReadOnlyList<string> tenantAdmins)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (IsTenantAdmin(tenantAdmins))
        {
            return GroupRole.Admin;
        }

        return (group.Spec.Collaborators ?? [])
            .Where(c => Subjects.Contains(c.Subject))
            .Select(c => GroupRoles.Parse(c.RoleId))
            .DefaultIfEmpty(GroupRole.None)
            .Max();
    }
}
