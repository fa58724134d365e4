namespace Operator.Runtime;

/// <summary>
/// Which events of a watched kind enqueue keys (controller-runtime's <c>predicate.Funcs</c>): each function answers
/// for one kind of event; a missing one lets every such event through.
/// </summary>
public sealed record WatchPredicate<TEntity>
{
    public Func<TEntity, bool>? Added { get; init; }

    public Func<TEntity, TEntity, bool>? Updated { get; init; }

    public Func<TEntity, bool>? Deleted { get; init; }

    internal bool PassesAdd(TEntity entity) => Added?.Invoke(entity) ?? true;

    internal bool PassesUpdate(TEntity old, TEntity current) => Updated?.Invoke(old, current) ?? true;

    internal bool PassesDelete(TEntity entity) => Deleted?.Invoke(entity) ?? true;
}

/// <summary>Common <see cref="WatchPredicate{TEntity}"/>s.</summary>
public static class WatchPredicate
{
    /// <summary>Every add, update and delete passes.</summary>
    public static WatchPredicate<TEntity> All<TEntity>() => new();

    /// <summary>Updates pass when the projection <paramref name="of"/> differs between the old and the new object; adds and deletes pass.</summary>
    public static WatchPredicate<TEntity> Changed<TEntity, TValue>(Func<TEntity, TValue> of)
    {
        ArgumentNullException.ThrowIfNull(of);
        return new() { Updated = (old, current) => !EqualityComparer<TValue>.Default.Equals(of(old), of(current)) };
    }
}
