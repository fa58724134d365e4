using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

// Every secret-bearing auth field is a reference (tfy-secret://, <fqn>::<path> or tfy-k8s-secret://KEY).

/// <summary>The built-in store: each value is a key of a Secret in <c>sourceNamespace</c>; a path is <c>&lt;secret-name&gt;/&lt;key&gt;</c>.</summary>
public sealed class KubernetesStoreSpec
{
    [Required]
    [Pattern(Patterns.Name)]
    [Length(1, 63)]
    [Description("Namespace holding the source Secrets.")]
    [JsonPropertyName("sourceNamespace")]
    public string SourceNamespace { get; set; } = "";
}
