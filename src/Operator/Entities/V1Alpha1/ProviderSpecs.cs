using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

// Every secret-bearing auth field is a reference (tfy-secret://, <fqn>::<path> or tfy-k8s-secret://KEY).

/// <summary>AWS SSM Parameter Store connection.</summary>
public sealed class AwsStoreSpec
{
    [Default("parameter-store")]
    [EnumValues("parameter-store")]
    [JsonPropertyName("service")]
    public string? Service { get; set; }

    [Required]
    [Pattern("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    [JsonPropertyName("region")]
    public string Region { get; set; } = "";

    [Description("Optional endpoint URL (VPC endpoint, tests).")]
    [JsonPropertyName("endpoint")]
    public string? Endpoint { get; set; }

    [Description("KMS key for SecureString parameters written by the operator.")]
    [JsonPropertyName("kmsKeyArn")]
    public string? KmsKeyArn { get; set; }

    [Description("Credentials; none means ambient (IRSA, pod identity, instance role).")]
    [JsonPropertyName("auth")]
    public AwsAuthSpec? Auth { get; set; }
}

/// <summary>AWS credentials: access key, assumed role, or ambient when empty.</summary>
public sealed class AwsAuthSpec
{
    [JsonPropertyName("roleArn")]
    public string? RoleArn { get; set; }

    [JsonPropertyName("externalId")]
    public string? ExternalId { get; set; }

    [Description("Reference to the access key id.")]
    [JsonPropertyName("accessKeyId")]
    public string? AccessKeyId { get; set; }

    [Description("Reference to the secret access key.")]
    [JsonPropertyName("secretAccessKey")]
    public string? SecretAccessKey { get; set; }

    [Description("Reference to a session token.")]
    [JsonPropertyName("sessionToken")]
    public string? SessionToken { get; set; }
}

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

/// <summary>GCP credentials: a service account key file, or ambient when empty.</summary>
public sealed class GcpAuthSpec
{
    [Description("Reference to a service account key JSON.")]
    [JsonPropertyName("serviceAccountKey")]
    public string? ServiceAccountKey { get; set; }
}

/// <summary>Azure Key Vault connection.</summary>
[CelRule("has(self.vaultUrl) || has(self.keyVaultName)", "one of vaultUrl or keyVaultName is required")]
public sealed class AzureStoreSpec
{
    [JsonPropertyName("vaultUrl")]
    public string? VaultUrl { get; set; }

    [Pattern("^[a-zA-Z][-a-zA-Z0-9]{1,22}[a-zA-Z0-9]$")]
    [JsonPropertyName("keyVaultName")]
    public string? KeyVaultName { get; set; }

    [JsonPropertyName("auth")]
    public AzureAuthSpec? Auth { get; set; }
}

/// <summary>Azure credentials: client secret, or workload / managed identity.</summary>
public sealed class AzureAuthSpec
{
    [JsonPropertyName("tenantId")]
    public string? TenantId { get; set; }

    [JsonPropertyName("clientId")]
    public string? ClientId { get; set; }

    [Description("Reference to the client secret.")]
    [JsonPropertyName("clientSecret")]
    public string? ClientSecret { get; set; }

    [Default(false)]
    [JsonPropertyName("workloadIdentity")]
    public bool? WorkloadIdentity { get; set; }

    [JsonPropertyName("managedIdentityClientId")]
    public string? ManagedIdentityClientId { get; set; }
}

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

/// <summary>Vault Kubernetes login with the operator's service account token.</summary>
public sealed class VaultKubernetesAuthSpec
{
    [Required]
    [JsonPropertyName("role")]
    public string Role { get; set; } = "";

    [Default("kubernetes")]
    [JsonPropertyName("mountPath")]
    public string? MountPath { get; set; }

    [Default("/var/run/secrets/kubernetes.io/serviceaccount/token")]
    [JsonPropertyName("serviceAccountTokenPath")]
    public string? ServiceAccountTokenPath { get; set; }
}

/// <summary>The built-in store: each value is a key of a Secret in <c>sourceNamespace</c>; a path is <c>&lt;secret-name&gt;/&lt;key&gt;</c>.</summary>
public sealed class KubernetesStoreSpec
{
    [Required]
    [Pattern(Patterns.Name)]
    [Length(1, 63)]
    [Description("Namespace holding the source Secrets.")]
    [JsonPropertyName("sourceNamespace")]
    public string SourceNamespace { get; set; } = "";
}
