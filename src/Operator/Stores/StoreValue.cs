using Operator.References;

namespace Operator.Stores;

/// <summary>A value read from a store, as bytes; <see cref="Version"/> is the store's own version marker, if it has one.</summary>
public sealed record StoreValue(ReadOnlyMemory<byte> Value, string? Version)
{
    /// <summary>Never prints the value.</summary>
    public override string ToString() => $"StoreValue(version: {Version ?? "none"})";
}
