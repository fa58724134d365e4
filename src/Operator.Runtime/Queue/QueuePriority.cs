namespace Operator.Runtime;

/// <summary>Why a key is queued, which decides who goes first: a change someone made before a periodic refresh.</summary>
public enum QueuePriority
{
    /// <summary>Periodic refreshes (RequeueAfter), the leader's pass over every cached object, the informer's initial list,
    /// and our own status writes coming back through the watch.</summary>
    Refresh = 0,

    /// <summary>A new object, a change of its spec, labels or annotations, a deletion, a declared watch's event, a host's
    /// explicit enqueue.</summary>
    Change = 1,
}
