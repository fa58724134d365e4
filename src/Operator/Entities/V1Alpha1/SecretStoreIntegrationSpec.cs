using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;
using Operator.Runtime;

namespace Operator.Entities.V1Alpha1;

/// <summary>Desired state of a <see cref="SecretStoreIntegration"/>.</summary>
[ExactlyOneOf(typeof(ProviderBlocks), nameof(ProviderBlocks.Names))]
public sealed class SecretStoreIntegrationSpec
{
    [Required]
    [Pattern(Patterns.Name)]
    [Length(1, 63)]
    [Description("Provider account segment of the integration FQN, e.g. my-aws-provider.")]
    [JsonPropertyName("providerAccount")]
    public string ProviderAccount { get; set; } = "";

    [Description("AWS SSM Parameter Store.")]
    [ProviderBlock]
    [JsonPropertyName("aws")]
    public AwsStoreSpec? Aws { get; set; }

    [Description("GCP Secret Manager.")]
    [ProviderBlock]
    [JsonPropertyName("gcp")]
    public GcpStoreSpec? Gcp { get; set; }

    [Description("Azure Key Vault.")]
    [ProviderBlock]
    [JsonPropertyName("azure")]
    public AzureStoreSpec? Azure { get; set; }

    [Description("HashiCorp Vault KV v2.")]
    [ProviderBlock]
    [JsonPropertyName("hashicorp")]
    public HashicorpStoreSpec? Hashicorp { get; set; }

    [Description("The built-in store: values from Secrets in one source namespace.")]
    [ProviderBlock]
    [JsonPropertyName("kubernetes")]
    public KubernetesStoreSpec? Kubernetes { get; set; }

    [Default("/tfy-secret/")]
    [Length(1, 512)]
    [Description("Where group keys live by default: <pathPrefix><tenant>/<group>/<key>.")]
    [JsonPropertyName("pathPrefix")]
    public string? PathPrefix { get; set; }

    [Default("1h")]
    [Pattern(Patterns.RefreshInterval)]
    [Length(1, 64)]
    [CelRule(Patterns.RefreshIntervalRule, "must be 0 (no periodic refresh) or between 1s and 24h")]
    [Description("Default refresh interval for groups on this integration: 0 for never, else between minRefreshInterval and 24h.")]
    [JsonPropertyName("syncInterval")]
    public string? SyncInterval { get; set; }

    [Default("10s")]
    [Pattern(Patterns.Duration)]
    [Length(1, 64)]
    [CelRule(Patterns.RefreshBoundRule, "must be between 1s and 24h")]
    [Description("The shortest refresh interval groups on this integration may ask for (the store's quota pays for every refresh).")]
    [JsonPropertyName("minRefreshInterval")]
    public string? MinRefreshInterval { get; set; }

    [Description("Who may use this integration.")]
    [JsonPropertyName("access")]
    public IntegrationAccessSpec? Access { get; set; }

    [Description("Client-side token bucket for calls to the store.")]
    [JsonPropertyName("rateLimit")]
    public RateLimitSpec? RateLimit { get; set; }

    [Description("Retries of one store call the store throttled: attempts and a time budget, within which the store's Retry-After is honoured.")]
    [JsonPropertyName("retry")]
    public RetrySpec? Retry { get; set; }

    [Default(false)]
    [Description("Allow plain http to an endpoint that is not this machine: credentials and values travel unencrypted. Condition Insecure is True while set.")]
    [JsonPropertyName("insecure")]
    public bool? Insecure { get; set; }

    [Default(DeletionPolicies.Retain)]
    [EnumValues(DeletionPolicies.Retain, DeletionPolicies.Delete)]
    [Description("What happens in the store to a key removed from a group through the REST API: Retain keeps the value (the key only leaves the group and its Secret), Delete deletes it.")]
    [JsonPropertyName("deletionPolicy")]
    public string? DeletionPolicy { get; set; }
}
