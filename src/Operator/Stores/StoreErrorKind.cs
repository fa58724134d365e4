using Operator.References;

namespace Operator.Stores;

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
