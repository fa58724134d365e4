using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>A name filter for <see cref="FindSpec"/>.</summary>
public sealed class FindNameSpec
{
    [Required]
    [Length(1, 256)]
    [Description("A regular expression (RE2-like: no backreferences or lookaround; matched in linear time) the name must match somewhere.")]
    [JsonPropertyName("regexp")]
    public string Regexp { get; set; } = "";
}
