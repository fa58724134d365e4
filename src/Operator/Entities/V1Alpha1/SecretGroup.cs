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
