using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>One ConfigMap key that is a template.</summary>
public sealed class TemplateConfigMapItem
{
    [Required]
    [Pattern(Patterns.SecretKey)]
    [Length(1, 253)]
    [Description("The ConfigMap key; also the Secret key it renders.")]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";
}
