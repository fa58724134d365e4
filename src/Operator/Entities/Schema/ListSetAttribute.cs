namespace Operator.Entities.Schema;

/// <summary>A list whose items are unique (<c>x-kubernetes-list-type: set</c>): the API server refuses a repeat.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListSetAttribute : Attribute;
