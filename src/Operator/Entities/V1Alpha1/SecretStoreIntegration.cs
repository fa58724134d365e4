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
[PrinterColumn("Calls/Month", "integer", ".status.projectedMonthlyCalls")]
[PrinterColumn("Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason", Priority = 1)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class SecretStoreIntegration() : CustomEntity<SecretStoreIntegrationSpec, SecretStoreIntegrationStatus>(KindName)
{
    public const string KindName = "SecretStoreIntegration";
}
