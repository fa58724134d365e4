using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

// Every secret-bearing auth field is a reference (tfy-secret://, <fqn>::<path> or tfy-k8s-secret://KEY).

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
