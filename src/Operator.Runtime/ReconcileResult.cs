namespace Operator.Runtime;

/// <summary>What a reconcile asks of the controller: nothing more (<see cref="Done"/>) or another pass after a delay.</summary>
public readonly record struct ReconcileResult(TimeSpan? RequeueAfter)
{
    public static ReconcileResult Done { get; }

    public static ReconcileResult RequeueIn(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new ReconcileResult(delay);
    }
}
