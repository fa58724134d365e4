namespace Operator.Entities.Schema;

/// <summary>OpenAPI <c>minimum</c>/<c>maximum</c> for numbers.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeAttribute(double minimum, double maximum) : Attribute
{
    public double Minimum { get; } = minimum;
    public double Maximum { get; } = maximum;
}
