using System.Diagnostics.CodeAnalysis;

namespace Operator.Runtime;

/// <summary>The work queue of the controller for <typeparamref name="TEntity"/>; lets other code requeue keys.</summary>
[SuppressMessage("Naming", "CA1711", Justification = "It is the controller's work queue.")]
public interface IControllerQueue<TEntity> : IControllerActivity
{
    /// <summary>Queues the key as a <see cref="QueuePriority.Change"/>.</summary>
    void Enqueue(ObjectKey key);

    /// <summary>Queues the key with <paramref name="priority"/> (a key already queued keeps the higher one).</summary>
    void Enqueue(ObjectKey key, QueuePriority priority);

    /// <summary>Queues the key after <paramref name="delay"/> as a <see cref="QueuePriority.Refresh"/>.</summary>
    void EnqueueAfter(ObjectKey key, TimeSpan delay);

    int Length { get; }
}
