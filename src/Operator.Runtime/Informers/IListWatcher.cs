using k8s;

namespace Operator.Runtime;

/// <summary>The informer's view of the API server: a seam so the informer logic can be tested without one.</summary>
internal interface IListWatcher<TEntity>
{
    string Description { get; }

    /// <summary>Lists every object (in pages), each passed through <paramref name="shape"/> as its page arrives, so only the shaped form outlives the page.</summary>
    Task<(IList<TEntity> Items, string? ResourceVersion)> ListAsync(Func<TEntity, TEntity> shape, CancellationToken cancellationToken);

    /// <summary>Watches from <paramref name="resourceVersion"/>; ERROR events (such as 410 Gone) arrive through <paramref name="onError"/>.</summary>
    IAsyncEnumerable<(WatchEventType Type, TEntity Object)> WatchAsync(
        string resourceVersion, Action<Exception> onError, CancellationToken cancellationToken);
}
