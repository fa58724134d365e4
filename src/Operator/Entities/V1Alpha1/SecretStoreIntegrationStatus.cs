using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;
using Operator.Runtime;

namespace Operator.Entities.V1Alpha1;

/// <summary>Observed state of a <see cref="SecretStoreIntegration"/>.</summary>
public sealed class SecretStoreIntegrationStatus
{
    [JsonPropertyName("fqn")]
    public string? Fqn { get; set; }

    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>When the store last answered the connectivity check (whole seconds); a restart trusts it until the next recheck.</summary>
    [Description("When the store last answered the operator's connectivity check.")]
    [JsonPropertyName("lastValidatedTime")]
    public DateTime? LastValidatedTime { get; set; }

    /// <summary>Store calls the integration's groups are planned to make in 30 days (CallProjection); recomputed at most every 30 s.</summary>
    [Description("Store calls this integration's groups are planned to make in 30 days: per group, its batched reads per sync (one call per store batch of keys, one per pinned version, one per dataFrom find) times its syncs in 30 days at its refresh interval; OnChange, CreatedOnce and 0 add none. An upper bound for error-free operation: jitter, reads served from a shared value cache and skipped syncs lower the real count; retries after store errors, force-syncs and extra pages of a find are not included. Recomputed from the groups' specs at most every 30 seconds while the integration is Ready.")]
    [JsonPropertyName("projectedMonthlyCalls")]
    public long? ProjectedMonthlyCalls { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}
