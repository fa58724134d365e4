namespace Operator.Runtime;

/// <summary>A watch stream sent a line that is not an event of the watched kind; the informer relists rather than skip it.</summary>
public sealed class WatchDecodeException : Exception
{
    public WatchDecodeException()
    {
    }

    public WatchDecodeException(string message)
        : base(message)
    {
    }

    public WatchDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal WatchDecodeException(Type kind, string problem, Exception? innerException = null)
        : base($"cannot read a watch event of {kind.Name}: {problem}", innerException)
    {
    }
}
