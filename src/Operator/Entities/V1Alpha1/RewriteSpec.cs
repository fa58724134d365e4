using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>One key-name rewrite, as External Secrets Operator's <c>rewrite: [{regexp: {source, target}}]</c>.</summary>
public sealed class RewriteSpec
{
    [Required]
    [Description("Replace every match of source in a key name with target.")]
    [JsonPropertyName("regexp")]
    public RewriteRegexpSpec Regexp { get; set; } = new();
}
