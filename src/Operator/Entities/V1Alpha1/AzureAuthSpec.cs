using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

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
