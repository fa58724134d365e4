using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;
using Operator.Runtime;

namespace Operator.Entities.V1Alpha1;

/// <summary>Which namespaces may use an integration, and whether they may read arbitrary paths.</summary>
public sealed class IntegrationAccessSpec
{
    [Description("Namespaces whose groups may use this integration; empty means all.")]
    [JsonPropertyName("namespaces")]
    public IList<string>? Namespaces { get; set; }

    [Default(false)]
    [Description("Whether groups may read paths outside their own default location.")]
    [JsonPropertyName("allowPathReferences")]
    public bool? AllowPathReferences { get; set; }
}
