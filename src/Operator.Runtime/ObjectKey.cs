using k8s;
using k8s.Models;

namespace Operator.Runtime;

/// <summary>Identifies an object by namespace (null for cluster-scoped objects) and name; the unit of work in the queue.</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public static ObjectKey From(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var metadata = obj.Metadata ?? throw new ArgumentException("The object has no metadata.", nameof(obj));
        return new ObjectKey(string.IsNullOrEmpty(metadata.NamespaceProperty) ? null : metadata.NamespaceProperty, metadata.Name);
    }

    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}
