namespace Operator.Runtime;

/// <summary>A shared informer of one kind: its cache, and handlers told of every change (what declared watches attach to).</summary>
public interface ISharedInformer<TEntity> : IResourceCache<TEntity>, IInformer
{
    /// <summary>Adds a handler; add handlers before the informer runs so none misses the initial list.</summary>
    void AddHandler(IResourceChangeHandler<TEntity> handler);
}
