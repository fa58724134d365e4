using System.ComponentModel;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>GCP credentials: a service account key file, or ambient when empty.</summary>
public sealed class GcpAuthSpec
{
    [Description("Reference to a service account key JSON.")]
    [JsonPropertyName("serviceAccountKey")]
    public string? ServiceAccountKey { get; set; }
}
