using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>
/// What the operator's custom resources share (KubeOps' <c>CustomKubernetesEntity&lt;TSpec, TStatus&gt;</c>): type
/// meta, metadata, a required spec and an optional status. The CRD schema is generated from these properties too.
/// </summary>
public abstract class CustomEntity<TSpec, TStatus> : IKubernetesObject<V1ObjectMeta>, ISpec<TSpec>, IStatus<TStatus?>
    where TSpec : class, new()
    where TStatus : class
{
    protected CustomEntity(string kind)
    {
        Kind = kind;
    }

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Api.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; }

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [Required]
    [JsonPropertyName("spec")]
    public TSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public TStatus? Status { get; set; }

    /// <summary>A deep copy of the status to change (null when there is none), leaving the cached object as it is.</summary>
    public TStatus? CopyOfStatus() => Status is null ? null : KubernetesJson.Deserialize<TStatus>(KubernetesJson.Serialize(Status));

    /// <summary>
    /// A shallow copy carrying <paramref name="status"/> (metadata and spec shared): what a status write sends, so the
    /// object the informer cache holds, which watch predicates compare, stays as it was.
    /// </summary>
    public TEntity WithStatus<TEntity>(TStatus status)
        where TEntity : CustomEntity<TSpec, TStatus>
    {
        var copy = (TEntity)MemberwiseClone();
        copy.Status = status;
        return copy;
    }
}
