namespace Operator.Runtime;

/// <summary>Marks an entity type as cluster-scoped (the KubernetesEntity attribute does not say).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ClusterScopedAttribute : Attribute;
