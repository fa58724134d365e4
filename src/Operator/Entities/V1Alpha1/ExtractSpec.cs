using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>The value whose JSON object is expanded: read as a <see cref="SecretKeySpec"/> with the same key and remoteRef would be.</summary>
public sealed class ExtractSpec
{
    [Required]
    [Pattern(Patterns.SecretKey)]
    [Length(1, 253)]
    [Description("A key name in the group's own location whose value is a JSON object; with remoteRef, only a name for messages and status.")]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    [Length(1, 2400)]
    [CelRule("!self.startsWith('tfy-k8s-secret://')", "tfy-k8s-secret:// references are only allowed in SecretStoreIntegration fields")]
    [Description("A path in the group's store or a full reference (as secrets[].remoteRef); default is the group's own location of key.")]
    [JsonPropertyName("remoteRef")]
    public string? RemoteRef { get; set; }
}
