using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>Vault auth: token, AppRole or Kubernetes.</summary>
public sealed class HashicorpAuthSpec
{
    [Description("Reference to a Vault token.")]
    [JsonPropertyName("token")]
    public string? Token { get; set; }

    [JsonPropertyName("appRole")]
    public VaultAppRoleAuthSpec? AppRole { get; set; }

    [JsonPropertyName("kubernetes")]
    public VaultKubernetesAuthSpec? Kubernetes { get; set; }
}
