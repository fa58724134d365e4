namespace Operator.Runtime;

/// <summary>Receives an informer's cache changes, in order, on the informer's loop: keep handlers quick (enqueue keys).</summary>
public interface IResourceChangeHandler<in TEntity>
{
    void OnAdded(TEntity entity);

    void OnUpdated(TEntity oldEntity, TEntity newEntity);

    void OnDeleted(TEntity entity);
}
