using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>Observed state of a <see cref="SecretGroup"/>.</summary>
public sealed class SecretGroupStatus
{
    [JsonPropertyName("fqn")]
    public string? Fqn { get; set; }

    [JsonPropertyName("secretName")]
    public string? SecretName { get; set; }

    [JsonPropertyName("keyCount")]
    public int? KeyCount { get; set; }

    [JsonPropertyName("secrets")]
    public IList<SecretKeyStatus>? Secrets { get; set; }

    [JsonPropertyName("dataHash")]
    public string? DataHash { get; set; }

    [JsonPropertyName("lastSyncTime")]
    public DateTime? LastSyncTime { get; set; }

    [JsonPropertyName("nextSyncTime")]
    public DateTime? NextSyncTime { get; set; }

    /// <summary>When a sync last changed the data (not the first sync); workloads created before it and never rolled roll.</summary>
    [Description("When a sync last changed the managed Secret's data (the first sync does not count).")]
    [JsonPropertyName("dataChangeTime")]
    public DateTime? DataChangeTime { get; set; }

    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("syncedInputs")]
    public SyncInputs? SyncedInputs { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}
