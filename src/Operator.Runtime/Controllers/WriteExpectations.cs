using System.Collections.Concurrent;
using System.Globalization;
using k8s;
using k8s.Models;

namespace Operator.Runtime;

/// <summary>
/// Writes this process made to objects of a controller's kind that the informer cache has not seen yet
/// (kube-controller-manager's and controller-runtime's "expectations"). The controller holds back a reconcile of such a
/// key until the cache has the written version (the watch event of the write enqueues the key again), so a reconcile
/// never decides on an object older than its own last write. An expectation older than
/// <see cref="WriteExpectations.Timeout"/> no longer holds a reconcile back.
/// </summary>
public sealed class WriteExpectations<TEntity> : IResourceChangeHandler<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<ObjectKey, (string ResourceVersion, long Since)> pending = new();
    private readonly TimeProvider time;

    public WriteExpectations(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        this.time = time;
    }

    /// <summary>Writes not yet seen by the cache.</summary>
    public int Count => pending.Count;

    /// <summary>Records <paramref name="written"/>, the object as the API server returned it after a write.</summary>
    public void Written(TEntity written)
    {
        ArgumentNullException.ThrowIfNull(written);
        if (written.Metadata?.ResourceVersion is { Length: > 0 } version)
        {
            pending[ObjectKey.From(written)] = (version, time.GetTimestamp());
        }
    }

    /// <summary>Null when <paramref name="cached"/> is at least as new as this process's last write of it, else how much longer the expectation holds.</summary>
    public TimeSpan? Wait(ObjectKey key, TEntity? cached)
    {
        if (!pending.TryGetValue(key, out var expected))
        {
            return null;
        }

        var waited = time.GetElapsedTime(expected.Since);
        if (cached is null || WriteExpectations.AtLeast(cached.Metadata?.ResourceVersion, expected.ResourceVersion) || waited >= WriteExpectations.Timeout)
        {
            pending.TryRemove(KeyValuePair.Create(key, expected));
            return null;
        }

        return WriteExpectations.Timeout - waited;
    }

    public void OnAdded(TEntity entity) => Observe(entity);

    public void OnUpdated(TEntity oldEntity, TEntity newEntity) => Observe(newEntity);

    public void OnDeleted(TEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        pending.TryRemove(ObjectKey.From(entity), out _);
    }

    private void Observe(TEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var key = ObjectKey.From(entity);
        if (pending.TryGetValue(key, out var expected) && WriteExpectations.AtLeast(entity.Metadata?.ResourceVersion, expected.ResourceVersion))
        {
            pending.TryRemove(KeyValuePair.Create(key, expected));
        }
    }
}

/// <summary>Settings shared by every <see cref="WriteExpectations{TEntity}"/>.</summary>
public static class WriteExpectations
{
    /// <summary>
    /// How long a write may stay unseen before it no longer holds a reconcile back (a safety net: the watch delivers every
    /// write). kube-controller-manager's ExpectationsTimeout (pkg/controller/controller_utils.go), sized for watch latency
    /// under load: 30 s was shorter than a loaded operator's watch lag, so its groups were read and written twice.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether <paramref name="seen"/> is <paramref name="expected"/> or later. resourceVersions are opaque to clients,
    /// but a watch delivers an object's versions in order; the numbers etcd (and the emulator) hand out also grow,
    /// which lets a relist that skipped our version count as having passed it.
    /// </summary>
    public static bool AtLeast(string? seen, string expected) =>
        seen == expected
        || (ulong.TryParse(seen, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            && ulong.TryParse(expected, NumberStyles.None, CultureInfo.InvariantCulture, out var e)
            && s >= e);
}
