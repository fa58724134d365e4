using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Operator.Runtime;

/// <summary>The list envelope the API server returns for any kind.</summary>
internal sealed class EntityList<TEntity> : IKubernetesObject<V1ListMeta>, IItems<TEntity>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<TEntity> Items { get; set; } = [];
}
