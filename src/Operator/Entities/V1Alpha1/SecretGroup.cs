using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>A group of secret keys synced from one integration into one managed Kubernetes Secret.</summary>
[KubernetesEntity(Group = Api.Group, ApiVersion = Api.Version, Kind = "SecretGroup", PluralName = "secretgroups")]
[StatusSubresource]
[ShortNames("sg")]
[Description("A group of keys synced from a SecretStoreIntegration into a Kubernetes Secret.")]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[PrinterColumn("FQN", "string", ".status.fqn")]
[PrinterColumn("Keys", "integer", ".status.keyCount")]
[PrinterColumn("Last Sync", "date", ".status.lastSyncTime")]
[PrinterColumn("Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason", Priority = 1)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class SecretGroup() : CustomEntity<SecretGroupSpec, SecretGroupStatus>(KindName)
{
    public const string KindName = "SecretGroup";
}

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

/// <summary>A collaborator: a role for a user or a team.</summary>
public sealed class Collaborator
{
    [Required]
    [EnumValues("secret-group-admin", "secret-group-editor", "secret-group-viewer")]
    [JsonPropertyName("roleId")]
    public string RoleId { get; set; } = "";

    [Required]
    [Pattern(Patterns.Subject)]
    [Length(6, 253)]
    [JsonPropertyName("subject")]
    public string Subject { get; set; } = "";
}

/// <summary>One key of a group and where its value comes from.</summary>
public sealed class SecretKeySpec
{
    [Required]
    [Pattern(Patterns.SecretKey)]
    [Length(1, 253)]
    [CelRule("!self.startsWith('..')", "must not start with '..': Kubernetes refuses such Secret keys (the kubelet keeps '..data' in Secret volumes)")]
    [Description("The key in the managed Secret: letters, digits, '-', '_' and '.'; not '.' and not starting with '..'.")]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    [Length(1, 2400)]
    [CelRule("!self.startsWith('tfy-k8s-secret://')", "tfy-k8s-secret:// references are only allowed in SecretStoreIntegration fields")]
    [Description("A path in the group's store or a full reference; default is the group's own location. A path may pin a version in its store's notation: AWS name:3 or name:label, GCP secret/versions/3, Azure name/<version id>, Vault entry#field?version=3.")]
    [JsonPropertyName("remoteRef")]
    public string? RemoteRef { get; set; }
}

/// <summary>Name, metadata and lifecycle of the managed Secret.</summary>
[CelRule("!has(self.creationPolicy) || self.creationPolicy != 'Merge' || ((!has(self.immutable) || !self.immutable) && !has(self.labels) && !has(self.annotations) && !has(self.template))", "creationPolicy Merge adds keys only: immutable, labels, annotations and template cannot be set with it")]
public sealed class SecretTargetSpec
{
    public const string Owner = "Owner";
    public const string Orphan = "Orphan";
    public const string Merge = "Merge";
    public const string Retain = "Retain";
    public const string Delete = "Delete";

    [Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [Length(1, 253)]
    [Description("The Secret's name; default the group's name.")]
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [Description("Labels added to the Secret.")]
    [JsonPropertyName("labels")]
    public IDictionary<string, string>? Labels { get; set; }

    [Description("Annotations added to the Secret.")]
    [JsonPropertyName("annotations")]
    public IDictionary<string, string>? Annotations { get; set; }

    [EnumValues(Owner, Orphan, Merge)]
    [Description("Owner (default): the group creates the Secret and it is deleted with the group. Orphan: the group creates and manages it, and it outlives the group. Merge: the group adds its keys to an existing Secret it does not own, touching nothing else (never a Secret another group manages, a service-account token or a Helm release).")]
    [JsonPropertyName("creationPolicy")]
    public string? CreationPolicy { get; set; }

    [EnumValues(Retain, Delete)]
    [Description("When a key's value is not in the store: Retain (default) keeps the Secret as it is and reports SecretNotFound; Delete removes the key from the Secret and syncs the rest.")]
    [JsonPropertyName("deletionPolicy")]
    public string? DeletionPolicy { get; set; }

    [Description("Make the Secret immutable (the kubelet stops watching it); a change of data replaces the Secret (delete and create). Not with creationPolicy Merge.")]
    [JsonPropertyName("immutable")]
    public bool? Immutable { get; set; }

    [Description("The Secret's type, extra metadata and data rendered from the group's keys with Liquid templates. Not with creationPolicy Merge.")]
    [JsonPropertyName("template")]
    public SecretTemplateSpec? Template { get; set; }

    /// <summary>The creation policy, Owner when unset.</summary>
    [JsonIgnore]
    public string Creation => CreationPolicy ?? Owner;

    /// <summary>Whether keys whose value is not in the store are left out of the Secret.</summary>
    [JsonIgnore]
    public bool DeletesVanishedKeys => DeletionPolicy == Delete;
}

/// <summary>Observed state of a <see cref="SecretGroup"/>.</summary>
public sealed class SecretGroupStatus
{
    [JsonPropertyName("fqn")]
    public string? Fqn { get; set; }

    [JsonPropertyName("secretName")]
    public string? SecretName { get; set; }

    [JsonPropertyName("keyCount")]
    public int? KeyCount { get; set; }

    [JsonPropertyName("secrets")]
    public IList<SecretKeyStatus>? Secrets { get; set; }

    [JsonPropertyName("dataHash")]
    public string? DataHash { get; set; }

    [JsonPropertyName("lastSyncTime")]
    public DateTime? LastSyncTime { get; set; }

    [JsonPropertyName("nextSyncTime")]
    public DateTime? NextSyncTime { get; set; }

    /// <summary>When a sync last changed the data (not the first sync); workloads created before it and never rolled roll.</summary>
    [Description("When a sync last changed the managed Secret's data (the first sync does not count).")]
    [JsonPropertyName("dataChangeTime")]
    public DateTime? DataChangeTime { get; set; }

    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("syncedInputs")]
    public SyncInputs? SyncedInputs { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}

/// <summary>Where one key of a group was read from.</summary>
public sealed class SecretKeyStatus
{
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    [JsonPropertyName("fqn")]
    public string Fqn { get; set; } = "";

    [JsonPropertyName("remoteRef")]
    public string RemoteRef { get; set; } = "";

    [Description("The store's version of the value synced: the one remoteRef pins, else the current one when read.")]
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [Description("True when remoteRef pins the version (AWS name:3 or name:label, GCP .../versions/3, Azure name/<version id>, Vault ...?version=3).")]
    [JsonPropertyName("pinned")]
    public bool? Pinned { get; set; }

    [Description("The spec.dataFrom entry the key came from, e.g. spec.dataFrom[0].extract; unset for spec.secrets.")]
    [JsonPropertyName("from")]
    public string? From { get; set; }

    [Description("True when the store has no value for the key and target.deletionPolicy Delete left it out of the Secret.")]
    [JsonPropertyName("absent")]
    public bool? Absent { get; set; }
}
