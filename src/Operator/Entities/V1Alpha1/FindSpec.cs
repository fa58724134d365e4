using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>Values found by listing the group's store under a path prefix.</summary>
public sealed class FindSpec
{
    /// <summary>Keys one find yields unless <see cref="MaxKeys"/> says otherwise.</summary>
    public const int DefaultMaxKeys = 100;

    /// <summary>The most keys one find may yield (as many as spec.secrets may list).</summary>
    public const int MaxMaxKeys = 500;

    [Required]
    [Length(1, 1024)]
    [Description("The path prefix to list in the group's store; outside the group's own location it needs the integration's spec.access.allowPathReferences.")]
    [JsonPropertyName("path")]
    public string Path { get; set; } = "";

    [Description("Only names (the path's last segment) matching this regular expression.")]
    [JsonPropertyName("name")]
    public FindNameSpec? Name { get; set; }

    [Description("Only values carrying all of these tags (Azure Key Vault tags; GCP labels). Not every store keeps tags.")]
    [JsonPropertyName("tags")]
    public IDictionary<string, string>? Tags { get; set; }

    [Range(1, MaxMaxKeys)]
    [Description("The most keys this find may yield (default 100, at most 500); more found is an error naming this field, and the Secret is unchanged.")]
    [JsonPropertyName("maxKeys")]
    public int? MaxKeys { get; set; }
}
