using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>A ConfigMap and the keys of it that are templates.</summary>
public sealed class TemplateConfigMapRef
{
    [Required]
    [Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [Length(1, 253)]
    [Description("The ConfigMap's name.")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [Required]
    [ListMapKey("key")]
    [Items(1, 50)]
    [Description("The ConfigMap keys to render; each becomes the Secret key of the same name.")]
    [JsonPropertyName("items")]
    public IList<TemplateConfigMapItem> Items { get; set; } = [];
}
