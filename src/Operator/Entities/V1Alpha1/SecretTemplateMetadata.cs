using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>Labels and annotations of a templated Secret.</summary>
public sealed class SecretTemplateMetadata
{
    [Items(0, 64)]
    [CelRule("self.all(k, k != 'app.kubernetes.io/managed-by' && !k.startsWith('secrets.tfy.dev/'))", "the operator's own labels (app.kubernetes.io/managed-by, secrets.tfy.dev/*) cannot be set")]
    [Description("Labels added to the Secret.")]
    [JsonPropertyName("labels")]
    public IDictionary<string, string>? Labels { get; set; }

    [Items(0, 64)]
    [CelRule("self.all(k, !k.startsWith('secrets.tfy.dev/'))", "the operator's own annotations (secrets.tfy.dev/*) cannot be set")]
    [Description("Annotations added to the Secret.")]
    [JsonPropertyName("annotations")]
    public IDictionary<string, string>? Annotations { get; set; }
}
