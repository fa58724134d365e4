using k8s.Models;

namespace Operator.Runtime;

/// <summary>Metadata for the slim forms informer transforms cache: what identifies and versions an object, nothing else.</summary>
public static class SlimMetadata
{
    /// <summary>
    /// Name, namespace, uid, resourceVersion, generation and the creation/deletion timestamps of <paramref name="meta"/>
    /// (labels, annotations and owner references are the caller's choice).
    /// </summary>
    public static V1ObjectMeta Identity(V1ObjectMeta? meta) => meta is null ? new V1ObjectMeta() : new V1ObjectMeta
    {
        Name = meta.Name,
        NamespaceProperty = meta.NamespaceProperty,
        Uid = meta.Uid,
        ResourceVersion = meta.ResourceVersion,
        Generation = meta.Generation,
        CreationTimestamp = meta.CreationTimestamp,
        DeletionTimestamp = meta.DeletionTimestamp,
    };
}
