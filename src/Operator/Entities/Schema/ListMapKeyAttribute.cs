namespace Operator.Entities.Schema;

/// <summary>A list of objects keyed by one property (<c>x-kubernetes-list-type: map</c>), so keys are unique.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListMapKeyAttribute(string key) : Attribute
{
    public string Key { get; } = key;
}
