using System.Diagnostics.CodeAnalysis;

namespace Operator.Runtime;

/// <summary>The work queue of the controller for <typeparamref name="TEntity"/>; lets other code requeue keys.</summary>
[SuppressMessage("Naming", "CA1711", Justification = "It is the controller's work queue.")]
public interface IControllerQueue<TEntity> : IControllerActivity
{
    void Enqueue(ObjectKey key);

    void EnqueueAfter(ObjectKey key, TimeSpan delay);

    int Length { get; }
}
