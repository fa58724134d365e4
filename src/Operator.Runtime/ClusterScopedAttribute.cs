namespace Operator.Runtime;

/// <summary>Marks a custom entity type as cluster-scoped (the default is namespaced).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ClusterScopedAttribute : Attribute
{
}
