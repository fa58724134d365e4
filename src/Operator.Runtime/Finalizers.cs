using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Operator.Runtime;

/// <summary>
/// Adds and removes finalizers with a JSON merge patch that carries metadata.resourceVersion, so a concurrent change
/// makes the server answer 409 Conflict instead of losing someone else's finalizer; on 409 we re-read and retry.
/// </summary>
public static class Finalizers
{
    private const int MaxAttempts = 5;

    public static bool HasFinalizer(IKubernetesObject<V1ObjectMeta> entity, string finalizer)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return entity.Metadata?.Finalizers?.Contains(finalizer) == true;
    }

    /// <summary>Ensures the finalizer is present; returns the updated object (or the same one when nothing changed).</summary>
    public static async Task<T> EnsureAsync<T>(ResourceClient<T> client, T entity, string finalizer, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        var key = ObjectKey.From(entity);
        var current = entity;
        for (var attempt = 1; ; attempt++)
        {
            if (HasFinalizer(current, finalizer))
            {
                return current;
            }

            var finalizers = (current.Metadata.Finalizers ?? []).Append(finalizer).ToList();
            try
            {
                return await client.PatchAsync(key, FinalizerPatch(finalizers, current.Metadata.ResourceVersion), cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                current = await client.GetAsync(key, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"{key} disappeared while adding finalizer {finalizer}.", e);
            }
        }
    }

    /// <summary>Removes the finalizer; returns the updated object, or null when the object no longer exists.</summary>
    public static async Task<T?> RemoveAsync<T>(ResourceClient<T> client, T entity, string finalizer, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        var key = ObjectKey.From(entity);
        T? current = entity;
        for (var attempt = 1; ; attempt++)
        {
            if (current is null || !HasFinalizer(current, finalizer))
            {
                return current;
            }

            var finalizers = current.Metadata.Finalizers.Where(f => f != finalizer).ToList();
            try
            {
                return await client.PatchAsync(key, FinalizerPatch(finalizers, current.Metadata.ResourceVersion), cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                current = await client.GetAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    internal static V1Patch FinalizerPatch(IReadOnlyCollection<string> finalizers, string? resourceVersion)
    {
        var metadata = new Dictionary<string, object?> { ["finalizers"] = finalizers };
        if (!string.IsNullOrEmpty(resourceVersion))
        {
            metadata["resourceVersion"] = resourceVersion;
        }

        var body = JsonSerializer.Serialize(new Dictionary<string, object?> { ["metadata"] = metadata });
        return new V1Patch(body, V1Patch.PatchType.MergePatch);
    }
}
