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

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}
