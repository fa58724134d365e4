namespace Operator.Runtime;

/// <summary>Narrows what an informer lists and watches, so the operator caches only what it manages.</summary>
public sealed class InformerOptions
{
    /// <summary>Watch one namespace only; null watches all namespaces (always the case for cluster-scoped kinds).</summary>
    public string? Namespace { get; set; }

    /// <summary>A label selector such as "app.kubernetes.io/managed-by=secretgroup-operator".</summary>
    public string? LabelSelector { get; set; }
}
