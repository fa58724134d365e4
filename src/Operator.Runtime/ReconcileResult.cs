namespace Operator.Runtime;

/// <summary>
/// What a reconcile asks of the controller: nothing more (<see cref="Done"/>), another pass after a delay
/// (<see cref="RequeueIn"/>), or, for a failure the reconciler has already reported (status, Event, one log line),
/// a retry with per-key backoff (<see cref="Retry"/>) or none until something changes (<see cref="Terminal"/>).
/// </summary>
public readonly record struct ReconcileResult(TimeSpan? RequeueAfter)
{
    public static ReconcileResult Done { get; }

    /// <summary>The reason of an expected failure (a condition reason); null when the reconcile succeeded.</summary>
    public string? FailureReason { get; private init; }

    /// <summary>True for a failure that retrying cannot fix: the key is not requeued until it is enqueued again.</summary>
    public bool IsTerminal { get; private init; }

    public static ReconcileResult RequeueIn(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new ReconcileResult(delay);
    }

    /// <summary>An expected failure worth retrying (a store that is down): requeued with the key's backoff, no stack trace logged.</summary>
    public static ReconcileResult Retry(string reason) => new(null) { FailureReason = reason };

    /// <summary>An expected failure that retrying cannot fix (an invalid spec): not requeued; a watched change reconciles it again.</summary>
    public static ReconcileResult Terminal(string reason) => new(null) { FailureReason = reason, IsTerminal = true };
}
