using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>Whole secrets into the group's Secret: one JSON value expanded into keys, or every value found under a path.</summary>
[ExactlyOneOf("extract", "find")]
public sealed class DataFromSpec
{
    [Description("Expand one value holding a JSON object into one key per property (nested objects and arrays as JSON text, strings as they are).")]
    [JsonPropertyName("extract")]
    public ExtractSpec? Extract { get; set; }

    [Description("Every value whose path starts with find.path (and whose name matches find.name.regexp), one key each, named by the last path segment.")]
    [JsonPropertyName("find")]
    public FindSpec? Find { get; set; }

    [Items(0, 10)]
    [Description("Key-name rewrites applied in order to every key this entry yields; a key not a valid Secret key afterwards is an error naming this field.")]
    [JsonPropertyName("rewrite")]
    public IList<RewriteSpec>? Rewrite { get; set; }
}
