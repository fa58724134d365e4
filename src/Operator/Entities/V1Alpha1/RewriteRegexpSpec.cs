using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>A regular-expression replacement of key names.</summary>
public sealed class RewriteRegexpSpec
{
    [Required]
    [Length(1, 256)]
    [Description("A regular expression (RE2-like: no backreferences or lookaround; matched in linear time).")]
    [JsonPropertyName("source")]
    public string Source { get; set; } = "";

    [Required]
    [Length(0, 256)]
    [Description("The replacement; $1 or ${name} insert a capture group.")]
    [JsonPropertyName("target")]
    public string Target { get; set; } = "";
}
