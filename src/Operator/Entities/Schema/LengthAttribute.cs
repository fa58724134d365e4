namespace Operator.Entities.Schema;

/// <summary>OpenAPI <c>minLength</c>/<c>maxLength</c> for strings; -1 means unset.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LengthAttribute(int min = -1, int max = -1) : Attribute
{
    public int Min { get; } = min;
    public int Max { get; } = max;
}
