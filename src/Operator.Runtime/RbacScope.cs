namespace Operator.Runtime;

/// <summary>Where a permission is needed.</summary>
[Flags]
public enum RbacScope
{
    /// <summary>In the namespaces the operator watches (all, or the watch list): namespaced objects of groups.</summary>
    WatchedNamespaces = 1,

    /// <summary>In the operator's own namespace: its Lease, its own Secrets, Events of cluster-scoped objects.</summary>
    OperatorNamespace = 2,

    /// <summary>Cluster-scoped resources (integrations, webhook configurations, reviews).</summary>
    Cluster = 4,
}
