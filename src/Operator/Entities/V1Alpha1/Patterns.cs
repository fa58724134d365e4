namespace Operator.Entities.V1Alpha1;

/// <summary>Regular expressions shared by the CRD schema and the validation code (RE2-compatible: no lookaround).</summary>
public static class Patterns
{
    private const string Label = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

    /// <summary>A DNS-1123 label: tenant, provider account, integration and group names.</summary>
    public const string Name = "^" + Label + "$";

    /// <summary><c>&lt;tenant&gt;:&lt;provider&gt;:&lt;providerAccount&gt;:secret-store:&lt;name&gt;</c>, the providers from <see cref="ProviderBlocks"/>.</summary>
    public static string IntegrationFqn { get; } = "^" + Label + ":(" + string.Join('|', ProviderBlocks.Names) + "):" + Label + ":secret-store:" + Label + "$";

    /// <summary>
    /// Kubernetes Secret key: <c>[-._a-zA-Z0-9]+</c>, not <c>.</c> and not starting with <c>..</c> (apimachinery's
    /// IsConfigMapKey: "must not start with '..'"; the kubelet keeps <c>..data</c> in Secret volumes).
    /// </summary>
    public const string SecretKey = @"^([-_a-zA-Z0-9][-._a-zA-Z0-9]*|\.[-_a-zA-Z0-9][-._a-zA-Z0-9]*)$";

    /// <summary>A Go-style duration such as <c>1h</c>, <c>90s</c> or <c>1h30m</c>.</summary>
    public const string Duration = @"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$";

    /// <summary>A refresh interval: a duration, or <c>0</c> for no periodic refresh.</summary>
    public const string RefreshInterval = @"^(0|([0-9]+(\.[0-9]+)?(ms|s|m|h))+)$";

    /// <summary>CEL: a refresh interval is 0 or within the bounds every integration keeps (1s..24h); the integration's own floor is checked by the operator.</summary>
    public const string RefreshIntervalRule = "duration(self) == duration('0s') || (duration(self) >= duration('1s') && duration(self) <= duration('24h'))";

    /// <summary>CEL: a bound on refresh intervals itself lies within 1s..24h.</summary>
    public const string RefreshBoundRule = "duration(self) >= duration('1s') && duration(self) <= duration('24h')";

    /// <summary>A collaborator subject: <c>user:&lt;email&gt;</c> or <c>team:&lt;name&gt;</c>.</summary>
    public const string Subject = "^(user|team):[^\\s]+$";
}
