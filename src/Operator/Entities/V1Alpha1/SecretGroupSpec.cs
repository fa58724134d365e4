using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>Desired state of a <see cref="SecretGroup"/>.</summary>
[CelRule("!has(self.refreshPolicy) || self.refreshPolicy == 'Periodic' || !has(self.refreshInterval)", "refreshInterval applies only to refreshPolicy Periodic")]
public sealed class SecretGroupSpec
{
    public const string Periodic = "Periodic";
    public const string OnChange = "OnChange";
    public const string CreatedOnce = "CreatedOnce";

    [Required]
    [Pattern(typeof(Patterns), nameof(Patterns.IntegrationFqn))]
    [Description("FQN of the SecretStoreIntegration, e.g. my-tenant:aws:my-aws-provider:secret-store:aws-ssm.")]
    [JsonPropertyName("integrationFqn")]
    public string IntegrationFqn { get; set; } = "";

    [Pattern(Patterns.RefreshInterval)]
    [Length(1, 64)]
    [CelRule(Patterns.RefreshIntervalRule, "must be 0 (no periodic refresh) or between 1s and 24h")]
    [Description("How often the store is read again: 0 for never, else at least the integration's minRefreshInterval (default 10s) and at most 24h. Default: the integration's syncInterval, else 1h.")]
    [JsonPropertyName("refreshInterval")]
    public string? RefreshInterval { get; set; }

    [EnumValues(Periodic, OnChange, CreatedOnce)]
    [Description("Periodic (default): read the store every refreshInterval. OnChange: only when the group, its integration or an aliased group changes (as refreshInterval 0). CreatedOnce: once, and again only when the Secret is deleted or edited or target.name changes. The secrets.tfy.dev/force-sync annotation asks for a sync under every policy.")]
    [JsonPropertyName("refreshPolicy")]
    public string? RefreshPolicy { get; set; }

    [ListMapKey("subject")]
    [Description("Who may see or change the group; turned into RBAC.")]
    [JsonPropertyName("collaborators")]
    public IList<Collaborator>? Collaborators { get; set; }

    [ListMapKey("key")]
    [Items(0, 500)]
    [Description("The keys of the group.")]
    [JsonPropertyName("secrets")]
    public IList<SecretKeySpec>? Secrets { get; set; }

    [Items(0, 20)]
    [Description("Whole secrets: JSON values expanded into keys (extract) and values found by path (find). On a key name clash spec.secrets wins, then the later entry, and condition KeysShadowed names the keys.")]
    [JsonPropertyName("dataFrom")]
    public IList<DataFromSpec>? DataFrom { get; set; }

    [Description("The managed Kubernetes Secret.")]
    [JsonPropertyName("target")]
    public SecretTargetSpec? Target { get; set; }

    [ListSet]
    [Description("Other namespaces whose groups may alias these keys with tfy-secret://.")]
    [JsonPropertyName("sharedWithNamespaces")]
    public IList<string>? SharedWithNamespaces { get; set; }
}
