using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;
using Operator.Runtime;

namespace Operator.Entities.V1Alpha1;

/// <summary>A connection to one external secret store; cluster-scoped because it may hold operator credentials.</summary>
[KubernetesEntity(Group = Api.Group, ApiVersion = Api.Version, Kind = "SecretStoreIntegration", PluralName = "secretstoreintegrations")]
[ClusterScoped]
[StatusSubresource]
[ShortNames("ssi")]
[Description("A connection to an external secret store (AWS SSM, GCP Secret Manager, Azure Key Vault, HashiCorp Vault or Kubernetes).")]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[PrinterColumn("FQN", "string", ".status.fqn")]
[PrinterColumn("Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason", Priority = 1)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class SecretStoreIntegration() : CustomEntity<SecretStoreIntegrationSpec, SecretStoreIntegrationStatus>(KindName)
{
    public const string KindName = "SecretStoreIntegration";
}

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

/// <summary>Values of <c>spec.deletionPolicy</c>; anything but <see cref="Delete"/> keeps values in the store.</summary>
public static class DeletionPolicies
{
    public const string Retain = "Retain";
    public const string Delete = "Delete";

    /// <summary>Whether removing a key from a group on <paramref name="integration"/> deletes its value from the store.</summary>
    public static bool DeletesValues(SecretStoreIntegration integration)
    {
        ArgumentNullException.ThrowIfNull(integration);
        return integration.Spec.DeletionPolicy == Delete;
    }
}

/// <summary>Which namespaces may use an integration, and whether they may read arbitrary paths.</summary>
public sealed class IntegrationAccessSpec
{
    [Description("Namespaces whose groups may use this integration; empty means all.")]
    [JsonPropertyName("namespaces")]
    public IList<string>? Namespaces { get; set; }

    [Default(false)]
    [Description("Whether groups may read paths outside their own default location.")]
    [JsonPropertyName("allowPathReferences")]
    public bool? AllowPathReferences { get; set; }
}

/// <summary>Token bucket: steady <c>qps</c> with bursts up to <c>burst</c>.</summary>
public sealed class RateLimitSpec
{
    [Range(0.01, 10000)]
    [Description("Sustained calls per second.")]
    [JsonPropertyName("qps")]
    public double? Qps { get; set; }

    [Range(1, 10000)]
    [Description("Largest burst of calls.")]
    [JsonPropertyName("burst")]
    public int? Burst { get; set; }
}

/// <summary>Observed state of a <see cref="SecretStoreIntegration"/>.</summary>
public sealed class SecretStoreIntegrationStatus
{
    [JsonPropertyName("fqn")]
    public string? Fqn { get; set; }

    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>When the store last answered the connectivity check (whole seconds); a restart trusts it until the next recheck.</summary>
    [Description("When the store last answered the operator's connectivity check.")]
    [JsonPropertyName("lastValidatedTime")]
    public DateTime? LastValidatedTime { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}
