using System.Collections.Concurrent;
using k8s.Models;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

internal static class Build
{
    public static V1Secret Secret(string ns, string name, string resourceVersion = "1", string? uid = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, ResourceVersion = resourceVersion, Uid = uid ?? $"uid-{ns}-{name}" },
    };

    public static V1Namespace Namespace(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Namespace",
        Metadata = new V1ObjectMeta { Name = name, Uid = $"uid-{name}" },
    };
}

internal sealed class FakeCache<T> : IResourceCache<T>
    where T : class, k8s.IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<ObjectKey, T> items = new();

    public bool HasSynced { get; set; } = true;

    public void Put(T item) => items[ObjectKey.From(item)] = item;

    public void Remove(ObjectKey key) => items.TryRemove(key, out _);

    public T? Get(ObjectKey key) => items.TryGetValue(key, out var item) ? item : null;

    public IReadOnlyList<T> ByIndex(string index, string value) => throw new NotSupportedException("the fake cache has no indexes");

    public IReadOnlyList<T> List(string? @namespace = null) =>
        [.. items.Where(p => @namespace is null || p.Key.Namespace == @namespace).Select(p => p.Value)];
}

/// <summary>A reconciler whose outcome per call is scripted; records what it was called with.</summary>
internal sealed class ScriptedReconciler : IReconciler<V1Secret>
{
    public ConcurrentQueue<ObjectKey> Reconciled { get; } = new();

    public ConcurrentQueue<ObjectKey> Deleted { get; } = new();

    public Func<V1Secret, CancellationToken, Task<ReconcileResult>> Behaviour { get; set; } = (_, _) => Task.FromResult(ReconcileResult.Done);

    public async Task<ReconcileResult> ReconcileAsync(V1Secret entity, CancellationToken cancellationToken)
    {
        Reconciled.Enqueue(ObjectKey.From(entity));
        return await Behaviour(entity, cancellationToken);
    }

    public Task DeletedAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        Deleted.Enqueue(key);
        return Task.CompletedTask;
    }
}
