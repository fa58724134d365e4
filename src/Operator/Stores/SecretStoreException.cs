using Operator.References;

namespace Operator.Stores;

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
