namespace Operator.Stores;

/// <summary>
/// What decides what a store returns for a shared read: the client (by reference: one per integration uid, generation and
/// resolved credentials), the path and the pinned version (null: the current one).
/// </summary>
internal readonly record struct SharedReadKey(ISecretStore Store, string Path, string? Version)
{
    public bool Equals(SharedReadKey other) =>
        ReferenceEquals(Store, other.Store) && string.Equals(Path, other.Path, StringComparison.Ordinal) && string.Equals(Version, other.Version, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Store), StringComparer.Ordinal.GetHashCode(Path), Version is null ? 0 : StringComparer.Ordinal.GetHashCode(Version));

    /// <summary>Never prints the store's state or a value.</summary>
    public override string ToString() => $"SharedReadKey({Path}{(Version is null ? "" : "@" + Version)})";
}
