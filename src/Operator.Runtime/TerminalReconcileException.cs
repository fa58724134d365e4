namespace Operator.Runtime;

/// <summary>
/// Thrown by a reconciler when retrying cannot help (for example an invalid spec): the controller logs it,
/// forgets the key and does not requeue it with backoff. The next change to the object reconciles it again.
/// </summary>
public sealed class TerminalReconcileException : Exception
{
    public TerminalReconcileException()
    {
    }

    public TerminalReconcileException(string message)
        : base(message)
    {
    }

    public TerminalReconcileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
