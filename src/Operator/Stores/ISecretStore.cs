using Operator.References;

namespace Operator.Stores;

/// <summary>A value read from a store, as bytes; <see cref="Version"/> is the store's own version marker, if it has one.</summary>
public sealed record StoreValue(ReadOnlyMemory<byte> Value, string? Version)
{
    /// <summary>Never prints the value.</summary>
    public override string ToString() => $"StoreValue(version: {Version ?? "none"})";
}

/// <summary>
/// What a store can do; the reconciler batches reads by <see cref="MaxBatchSize"/>. <see cref="MaxValueBytes"/> is the
/// service's documented limit for one value as the store keeps it (text stores count the encoded text).
/// <see cref="KeepsVersions"/>: earlier versions of a value stay readable (false: only the current one).
/// <see cref="CanList"/>: <see cref="ISecretStore.ListAsync"/> works (spec.dataFrom[].find); <see cref="ListsByTags"/>: it filters by tags too.
/// </summary>
public sealed record StoreCapabilities(int MaxBatchSize, bool CanWrite, int MaxValueBytes, int MaxConcurrency = 4, bool KeepsVersions = true, bool CanList = false, bool ListsByTags = false);

/// <summary>
/// What spec.dataFrom[].find asks a store for: paths starting with <see cref="Prefix"/> whose name (the path after the
/// prefix) passes <see cref="Name"/> and that carry every tag of <see cref="Tags"/>; at most <see cref="Limit"/> of them.
/// </summary>
public sealed record ListQuery(string Prefix, Func<string, bool> Name, IReadOnlyDictionary<string, string> Tags, int Limit)
{
    /// <summary>The most entries one listing may look at (matching or not), so a find costs bounded calls.</summary>
    public const int MaxScanned = 5000;
}

/// <summary>A path a listing found: its name relative to the prefix, and its value when the listing call returned it (else null: read it).</summary>
public sealed record ListedPath(string Path, string Name, StoreValue? Value);

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

/// <summary>Why a store call failed, in words a person can act on.</summary>
public enum StoreErrorKind
{
    Unavailable,
    AccessDenied,
    AuthenticationFailed,
    Throttled,
    InvalidPath,
    Misconfigured,
    ValueTooLarge,

    /// <summary>The value exists but the store will not serve it (a disabled secret, a disabled or destroyed version).</summary>
    Disabled,
}

/// <summary>
/// A sanitised store failure: the message never holds values, credentials or request signatures. Worth a retry with
/// backoff unless the stored data itself is the problem (<see cref="StoreErrorKind.Disabled"/>, <see cref="StoreErrorKind.ValueTooLarge"/>).
/// </summary>
public sealed class SecretStoreException : ConditionException
{
    public SecretStoreException(StoreErrorKind kind, string message, Exception? inner = null)
        : base(ReasonOf(kind), message, retry: kind is not (StoreErrorKind.Disabled or StoreErrorKind.ValueTooLarge), inner)
    {
        Kind = kind;
    }

    public SecretStoreException()
        : this(StoreErrorKind.Unavailable, "store call failed")
    {
    }

    public SecretStoreException(string message)
        : this(StoreErrorKind.Unavailable, message)
    {
    }

    public SecretStoreException(string message, Exception inner)
        : this(StoreErrorKind.Unavailable, message, inner)
    {
    }

    public StoreErrorKind Kind { get; }

    /// <summary>How long the service asked the caller to wait before trying again (Retry-After, RetryInfo), if it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True when asking again at once may succeed (e.g. a payload that failed its checksum in transit).</summary>
    public bool RetryInCall { get; init; }

    /// <summary>CamelCase condition reason for a failure of <paramref name="kind"/>.</summary>
    public static string ReasonOf(StoreErrorKind kind) => kind switch
    {
        StoreErrorKind.AccessDenied => "StoreAccessDenied",
        StoreErrorKind.AuthenticationFailed => "StoreAuthenticationFailed",
        StoreErrorKind.Throttled => "StoreThrottled",
        StoreErrorKind.InvalidPath => "InvalidStorePath",
        StoreErrorKind.Misconfigured => "StoreMisconfigured",
        StoreErrorKind.ValueTooLarge => "ValueTooLarge",
        StoreErrorKind.Disabled => "SecretDisabled",
        _ => "StoreUnavailable",
    };
}
