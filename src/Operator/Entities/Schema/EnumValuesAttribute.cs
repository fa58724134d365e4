namespace Operator.Entities.Schema;

/// <summary>OpenAPI <c>enum</c> for a string property.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EnumValuesAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}
