using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

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
