namespace Operator.Controllers;

/// <summary>Condition types used on both kinds.</summary>
public static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string Synced = "Synced";

    /// <summary>On a group: True while two sources (spec.secrets, spec.dataFrom entries) yield one key name (a warning).</summary>
    public const string KeysShadowed = "KeysShadowed";

    /// <summary>On an integration: True while <c>spec.insecure</c> lets it use plain http to another host (a warning).</summary>
    public const string Insecure = "Insecure";
}
