using System.Collections.Concurrent;
using k8s.Models;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

internal sealed class RecordingHandler : IResourceChangeHandler<V1Secret>
{
    public ConcurrentQueue<string> Seen { get; } = new();

    /// <summary>Every object handed to a handler (new ones for updates).</summary>
    public ConcurrentQueue<V1Secret> Objects { get; } = new();

    public void OnAdded(V1Secret entity)
    {
        Objects.Enqueue(entity);
        Seen.Enqueue($"added {entity.Metadata.Name}@{entity.Metadata.ResourceVersion}");
    }

    public void OnUpdated(V1Secret oldEntity, V1Secret newEntity)
    {
        Objects.Enqueue(newEntity);
        Seen.Enqueue($"updated {newEntity.Metadata.Name}@{oldEntity.Metadata.ResourceVersion}->{newEntity.Metadata.ResourceVersion}");
    }

    public void OnDeleted(V1Secret entity)
    {
        Objects.Enqueue(entity);
        Seen.Enqueue($"deleted {entity.Metadata.Name}");
    }
}
