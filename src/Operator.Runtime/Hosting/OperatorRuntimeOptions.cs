using System.Security.Cryptography;

namespace Operator.Runtime;

/// <summary>How the runtime runs: leader election, and which namespaces its informers list and watch.</summary>
public sealed class OperatorRuntimeOptions
{
    public LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>
    /// Namespaces every namespaced informer lists and watches, one informer each (controller-runtime's
    /// <c>cache.Options.DefaultNamespaces</c>); empty: all namespaces. An informer that names its own namespace keeps it.
    /// </summary>
    public IReadOnlyList<string> WatchNamespaces { get; set; } = [];

    /// <summary>Return the heap to the OS when the process goes quiet after a burst of work (<see cref="IdleHeapTrim"/>).</summary>
    public bool IdleHeapTrim { get; set; } = true;
}
