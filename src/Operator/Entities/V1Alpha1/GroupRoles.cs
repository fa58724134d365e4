namespace Operator.Entities.V1Alpha1;

/// <summary>The collaborator role ids of <c>spec.collaborators[].roleId</c>, and the <see cref="GroupRole"/> each stands for.</summary>
public static class GroupRoles
{
    public const string Viewer = "secret-group-viewer";
    public const string Editor = "secret-group-editor";
    public const string Admin = "secret-group-admin";

    /// <summary>The role ids from least to most.</summary>
    public static IReadOnlyList<string> All { get; } = [Viewer, Editor, Admin];

    public static GroupRole Parse(string? roleId) => roleId switch
    {
        Admin => GroupRole.Admin,
        Editor => GroupRole.Editor,
        Viewer => GroupRole.Viewer,
        _ => GroupRole.None,
    };

    /// <summary>The role id of <paramref name="role"/> (viewer for <see cref="GroupRole.None"/>).</summary>
    public static string IdOf(GroupRole role) => role switch
    {
        GroupRole.Admin => Admin,
        GroupRole.Editor => Editor,
        _ => Viewer,
    };
}
