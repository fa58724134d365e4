namespace Operator.Controllers;

/// <summary>Condition types used on both kinds.</summary>
public static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string Synced = "Synced";

    /// <summary>On an integration: True while <c>spec.insecure</c> lets it use plain http to another host (a warning).</summary>
    public const string Insecure = "Insecure";
}
