namespace Operator.Runtime;

/// <summary>Narrows what an informer lists and watches, so the operator caches only what it manages.</summary>
public sealed class InformerOptions
{
    /// <summary>
    /// Watch this namespace only; null watches <see cref="OperatorRuntimeOptions.WatchNamespaces"/> (all namespaces when
    /// that is empty, and always for cluster-scoped kinds).
    /// </summary>
    public string? Namespace { get; set; }

    /// <summary>A label selector such as "app.kubernetes.io/managed-by=secretgroup-operator".</summary>
    public string? LabelSelector { get; set; }
}
