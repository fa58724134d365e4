using k8s;
using k8s.Models;

namespace Operator.Runtime;

/// <summary>
/// One kind in a fixed list of namespaces (controller-runtime's multi-namespace cache for
/// <c>cache.Options.DefaultNamespaces</c>): an informer per namespace, so nothing is listed or watched cluster-wide and
/// namespaced Roles suffice; reads answer from the informer of the key's namespace, or from all of them.
/// </summary>
public sealed class NamespacedInformer<TEntity> : ISharedInformer<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IReadOnlyDictionary<string, ResourceInformer<TEntity>> informers;

    internal NamespacedInformer(IEnumerable<ResourceInformer<TEntity>> informers, IReadOnlyList<string> namespaces)
    {
        this.informers = namespaces.Zip(informers).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        if (this.informers.Count != namespaces.Count)
        {
            throw new ArgumentException("one informer per distinct namespace", nameof(namespaces));
        }
    }

    public string Name => string.Join("; ", informers.Values.Select(i => i.Name));

    public bool HasSynced => informers.Values.All(i => i.HasSynced);

    public int Count => informers.Values.Sum(i => i.Count);

    public Task WaitForSyncAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(informers.Values.Select(i => i.WaitForSyncAsync(cancellationToken)));

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(informers.Values.Select(i => i.RunAsync(cancellationToken)));

    public void AddHandler(IResourceChangeHandler<TEntity> handler)
    {
        foreach (var informer in informers.Values)
        {
            informer.AddHandler(handler);
        }
    }

    public TEntity? Get(ObjectKey key) =>
        key.Namespace is { } ns && informers.TryGetValue(ns, out var informer) ? informer.Get(key) : null;

    public IReadOnlyList<TEntity> List(string? @namespace = null) =>
        @namespace is null
            ? [.. informers.Values.SelectMany(i => i.List())]
            : informers.TryGetValue(@namespace, out var informer) ? informer.List() : [];

    public IReadOnlyList<TEntity> ByIndex(string index, string value) =>
        [.. informers.Values.SelectMany(i => i.ByIndex(index, value))];
}
