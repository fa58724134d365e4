namespace Operator.Entities.Schema;

/// <summary>CRD <c>names.shortNames</c> and <c>names.categories</c>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ShortNamesAttribute(params string[] names) : Attribute
{
    public IReadOnlyList<string> Names { get; } = names;
}
