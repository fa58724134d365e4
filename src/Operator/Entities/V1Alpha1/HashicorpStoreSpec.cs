using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

// Every secret-bearing auth field is a reference (tfy-secret://, <fqn>::<path> or tfy-k8s-secret://KEY).

/// <summary>HashiCorp Vault KV v2 connection.</summary>
public sealed class HashicorpStoreSpec
{
    [Required]
    [Pattern("^https?://.+$")]
    [JsonPropertyName("url")]
    public string Url { get; set; } = "";

    [Default("secret")]
    [JsonPropertyName("kvMountPath")]
    public string? KvMountPath { get; set; }

    [Default("")]
    [JsonPropertyName("rootPath")]
    public string? RootPath { get; set; }

    [Description("Vault Enterprise namespace (X-Vault-Namespace).")]
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    [JsonPropertyName("auth")]
    public HashicorpAuthSpec? Auth { get; set; }
}

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
