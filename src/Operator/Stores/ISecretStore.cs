using Operator.References;

namespace Operator.Stores;

/// <summary>One connection to an external secret store, created per integration generation.</summary>
public interface ISecretStore : IAsyncDisposable
{
    StoreCapabilities Capabilities { get; }

    /// <summary>The path where a group's key lives unless the group says otherwise.</summary>
    string DefaultPath(GroupFqn group, string key);

    /// <summary>Reads many paths; a path that does not exist is absent from the result (not an error).</summary>
    Task<IReadOnlyDictionary<string, StoreValue>> ReadManyAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken);

    /// <summary>Reads one path; null when it does not exist.</summary>
    Task<StoreValue?> ReadAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Reads one version of a path as <see cref="StoreValue.Version"/> named it; null when the path or that version does
    /// not exist (a store without history knows only the current version).
    /// </summary>
    Task<StoreValue?> ReadVersionAsync(string path, string version, CancellationToken cancellationToken);

    /// <summary>Writes a value and returns its new version; one over the store's limit is <see cref="StoreErrorKind.ValueTooLarge"/>.</summary>
    Task<string?> WriteAsync(string path, ReadOnlyMemory<byte> value, CancellationToken cancellationToken);

    /// <summary>Deletes a path; deleting a missing path is not an error.</summary>
    Task DeleteAsync(string path, CancellationToken cancellationToken);

    /// <summary>Connectivity and permission check; throws <see cref="SecretStoreException"/> on failure.</summary>
    Task ValidateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Lists what <paramref name="query"/> asks for, in path order, at most its limit (ask for one more than you allow to
    /// tell "too many"); more than <see cref="ListQuery.MaxScanned"/> entries looked at is <see cref="StoreErrorKind.InvalidPath"/>.
    /// Only when <see cref="StoreCapabilities.CanList"/>.
    /// </summary>
    Task<IReadOnlyList<ListedPath>> ListAsync(ListQuery query, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this store cannot list");
}
