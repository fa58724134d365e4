namespace Operator.Controllers;

/// <summary>Condition types used on both kinds.</summary>
public static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string Synced = "Synced";
}
