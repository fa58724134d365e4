namespace Operator.Entities.Schema;

/// <summary>Marks the entity class as served with a <c>/status</c> subresource.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StatusSubresourceAttribute : Attribute;
