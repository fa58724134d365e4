using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>Where templates come from besides template.data.</summary>
public sealed class TemplateFromSpec
{
    [Required]
    [Description("A ConfigMap in the group's namespace holding templates.")]
    [JsonPropertyName("configMap")]
    public TemplateConfigMapRef ConfigMap { get; set; } = new();
}
