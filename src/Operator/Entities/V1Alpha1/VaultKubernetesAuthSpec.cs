using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>Vault Kubernetes login with a short-lived token of the operator's service account.</summary>
public sealed class VaultKubernetesAuthSpec
{
    [Required]
    [JsonPropertyName("role")]
    public string Role { get; set; } = "";

    [Default("kubernetes")]
    [JsonPropertyName("mountPath")]
    public string? MountPath { get; set; }

    [Default("vault")]
    [Description("Audience of the token the operator requests for its service account (TokenRequest); the Vault role's audience.")]
    [JsonPropertyName("audience")]
    public string? Audience { get; set; }

    [Description("Read the token from this projected-token file instead of requesting one (under /var/run/secrets/).")]
    [JsonPropertyName("serviceAccountTokenPath")]
    public string? ServiceAccountTokenPath { get; set; }
}
