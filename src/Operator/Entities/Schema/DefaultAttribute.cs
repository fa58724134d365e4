namespace Operator.Entities.Schema;

/// <summary>OpenAPI <c>default</c>; the value is written as-is (string, bool or number).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultAttribute(object value) : Attribute
{
    public object Value { get; } = value;
}
