using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>Vault AppRole login.</summary>
public sealed class VaultAppRoleAuthSpec
{
    [Required]
    [JsonPropertyName("roleId")]
    public string RoleId { get; set; } = "";

    [Required]
    [Description("Reference to the AppRole secret id.")]
    [JsonPropertyName("secretId")]
    public string SecretId { get; set; } = "";

    [Default("approle")]
    [JsonPropertyName("mountPath")]
    public string? MountPath { get; set; }
}
