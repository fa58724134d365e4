using System.Diagnostics.CodeAnalysis;

namespace Operator.Runtime;

/// <summary>The work queue of the controller for <typeparamref name="TEntity"/>; lets other code requeue keys.</summary>
[SuppressMessage("Naming", "CA1711", Justification = "It is the controller's work queue.")]
public interface IControllerQueue<TEntity>
{
    void Enqueue(ObjectKey key);

    void EnqueueAfter(ObjectKey key, TimeSpan delay);

    int Length { get; }

    /// <summary>No key is ready or being reconciled (delayed keys may wait); for tests and diagnostics.</summary>
    bool IsIdle { get; }

    /// <summary>When the earliest delayed key (requeue or backoff) falls due, if any; for tests and diagnostics.</summary>
    DateTimeOffset? NextDueAt { get; }
}
