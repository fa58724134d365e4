namespace Operator;

/// <summary>
/// A failure a reconcile reports in a condition: <see cref="Reason"/> (CamelCase), a message a person can act on
/// (already sanitised: never a value, credential or request signature), and whether retrying with backoff can help.
/// Not sealed: store failures (<c>SecretStoreException</c>) are this with a store error kind.
/// </summary>
public class ConditionException : Exception
{
    /// <summary>The message is scrubbed of credentials an endpoint may carry (<see cref="Echo.Redact"/>): it reaches status, Events and logs.</summary>
    public ConditionException(string reason, string message, bool retry, Exception? inner = null)
        : base(Echo.Redact(message), inner)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        Reason = reason;
        Retry = retry;
    }

    public ConditionException()
        : this("Failed", "reconcile failed", retry: true)
    {
    }

    public ConditionException(string message)
        : this("Failed", message, retry: true)
    {
    }

    public ConditionException(string message, Exception inner)
        : this("Failed", message, retry: true, inner)
    {
    }

    /// <summary>The condition reason, e.g. <c>StoreUnavailable</c> or <c>SecretConflict</c>.</summary>
    public string Reason { get; }

    /// <summary>True when the same input may succeed later (retry with backoff); false when only a change of the object can help.</summary>
    public bool Retry { get; }

    /// <summary>
    /// Not a failure: the object waits for something already on its way (an integration not validated yet) that a
    /// declared watch brings back. Status says so; no Warning Event or log line, no retry.
    /// </summary>
    public bool Waiting { get; init; }
}
