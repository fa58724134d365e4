using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

// Every secret-bearing auth field is a reference (tfy-secret://, <fqn>::<path> or tfy-k8s-secret://KEY).

/// <summary>HashiCorp Vault KV v2 connection.</summary>
public sealed class HashicorpStoreSpec
{
    [Required]
    [Pattern("^https?://.+$")]
    [JsonPropertyName("url")]
    public string Url { get; set; } = "";

    [Default("secret")]
    [JsonPropertyName("kvMountPath")]
    public string? KvMountPath { get; set; }

    [Default("")]
    [JsonPropertyName("rootPath")]
    public string? RootPath { get; set; }

    [Description("Vault Enterprise namespace (X-Vault-Namespace).")]
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    [JsonPropertyName("auth")]
    public HashicorpAuthSpec? Auth { get; set; }
}
