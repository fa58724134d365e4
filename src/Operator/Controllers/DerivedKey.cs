using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>A key a spec.dataFrom entry yields (<see cref="Field"/>, e.g. <c>spec.dataFrom[0].extract</c>) and its value.</summary>
public sealed record DerivedKey(string Key, string Field, string RemoteRef, ReadOnlyMemory<byte> Value, string? Version)
{
    /// <summary>Never prints the value.</summary>
    public override string ToString() => $"DerivedKey({Key} from {Field})";
}
