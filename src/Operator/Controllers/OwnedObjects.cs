using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>
/// controller-runtime's <c>controllerutil.CreateOrUpdate</c> for the objects a group owns (its managed Secret, Roles and
/// RoleBindings): the cached copy answers "nothing to do" without an API call; otherwise the object is created, or read
/// from the API and replaced. An object of that name the group does not own is never taken over.
/// </summary>
public static class OwnedObjects
{
    /// <summary>
    /// Converges the object at <paramref name="key"/>: <paramref name="upToDate"/> says an existing object (cached or
    /// live) is already as desired; <paramref name="build"/> makes the desired object from the existing one (null: none
    /// yet), keeping its resourceVersion. An existing object the group does not own is a <paramref name="conflictReason"/>
    /// condition whose message ends with <paramref name="conflictHint"/>. <paramref name="owns"/> replaces the owner-reference
    /// test where a group manages objects without one (a Secret of creationPolicy Orphan).
    /// </summary>
    public static async Task<(OwnedWrite Write, T Object)> CreateOrUpdateAsync<T>(
        ResourceClient<T> api,
        SecretGroup owner,
        ObjectKey key,
        T? cached,
        Func<T, bool> upToDate,
        Func<T?, T> build,
        string conflictReason,
        string conflictHint,
        CancellationToken cancellationToken,
        Func<V1ObjectMeta, bool>? owns = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(api);
        owns ??= meta => GroupOwnership.IsOwnedBy(meta, owner);
        ArgumentNullException.ThrowIfNull(upToDate);
        ArgumentNullException.ThrowIfNull(build);
        if (cached is not null && owns(cached.Metadata) && upToDate(cached))
        {
            return (OwnedWrite.Unchanged, cached);
        }

        if (cached is null)
        {
            try
            {
                return (OwnedWrite.Created, await api.CreateAsync(build(null), cancellationToken).ConfigureAwait(false));
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // The cache lags, or an object of this name exists that the cache does not show: decide on the live one.
            }
        }

        var existing = await api.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return (OwnedWrite.Created, await api.CreateAsync(build(null), cancellationToken).ConfigureAwait(false));
        }

        if (!owns(existing.Metadata))
        {
            throw new ConditionException(conflictReason, $"{EntityMetadata.For<T>().Kind} '{key}' exists and is not managed by this group{conflictHint}", retry: true);
        }

        return upToDate(existing)
            ? (OwnedWrite.Unchanged, existing)
            : (OwnedWrite.Updated, await api.ReplaceAsync(build(existing), cancellationToken).ConfigureAwait(false));
    }
}
