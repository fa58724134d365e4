using Operator.Entities.V1Alpha1;

namespace Operator.References;

/// <summary>The provider segment of an integration FQN (<c>aws</c>, <c>gcp</c>, ...): the JSON name of a store's spec block.</summary>
public readonly record struct Provider(string Segment)
{
    public override string ToString() => Segment;
}
