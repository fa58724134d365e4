using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

// Every secret-bearing auth field is a reference (tfy-secret://, <fqn>::<path> or tfy-k8s-secret://KEY).

/// <summary>GCP Secret Manager connection.</summary>
public sealed class GcpStoreSpec
{
    [Required]
    [Pattern("^[a-z][-a-z0-9]{4,28}[a-z0-9]$")]
    [JsonPropertyName("projectId")]
    public string ProjectId { get; set; } = "";

    [JsonPropertyName("endpoint")]
    public string? Endpoint { get; set; }

    [JsonPropertyName("auth")]
    public GcpAuthSpec? Auth { get; set; }
}
