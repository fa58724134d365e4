using Operator.References;

namespace Operator.Stores;

/// <summary>A path a listing found: its name relative to the prefix, and its value when the listing call returned it (else null: read it).</summary>
public sealed record ListedPath(string Path, string Name, StoreValue? Value);
