namespace Operator.Entities.V1Alpha1;

/// <summary>What a collaborator may do with a group, from least to most.</summary>
public enum GroupRole
{
    None = 0,
    Viewer = 1,
    Editor = 2,
    Admin = 3,
}
