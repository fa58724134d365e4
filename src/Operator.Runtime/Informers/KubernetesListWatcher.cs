using k8s;
using k8s.Models;

namespace Operator.Runtime;

internal sealed class KubernetesListWatcher<TEntity>(ResourceClient<TEntity> client, InformerOptions options) : IListWatcher<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    public string Description
    {
        get
        {
            var scope = options.Namespace is null ? "all namespaces" : $"namespace {options.Namespace}";
            var selector = options.LabelSelector is null ? string.Empty : $" with {options.LabelSelector}";
            return $"{client.Metadata.Plural}.{client.Metadata.ApiVersion} in {scope}{selector}";
        }
    }

    public Task<(IList<TEntity> Items, string? ResourceVersion)> ListAsync(Func<TEntity, TEntity> shape, CancellationToken cancellationToken) =>
        client.ListWithVersionAsync(options.Namespace, options.LabelSelector, shape, cancellationToken);

    public async IAsyncEnumerable<(WatchEventType Type, TEntity Object)> WatchAsync(
        string resourceVersion, Action<Exception> onError, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The server ends a watch after timeoutSeconds; spreading it avoids every informer reconnecting at once.
        var timeoutSeconds = 300 + Random.Shared.Next(300);
        var events = client.WatchAsync(options.Namespace, options.LabelSelector, resourceVersion, timeoutSeconds, onError, cancellationToken);
        await foreach (var (type, entity) in events.ConfigureAwait(false))
        {
            if (entity is not null && type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted)
            {
                client.EnsureTypeMeta(entity);
            }

            yield return (type, entity!);
        }
    }
}
