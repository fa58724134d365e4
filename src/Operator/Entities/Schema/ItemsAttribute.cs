namespace Operator.Entities.Schema;

/// <summary>OpenAPI <c>minItems</c>/<c>maxItems</c> for lists (<c>minProperties</c>/<c>maxProperties</c> for maps); -1 means unset.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemsAttribute(int min = -1, int max = -1) : Attribute
{
    public int Min { get; } = min;
    public int Max { get; } = max;
}
