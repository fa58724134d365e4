using System.Globalization;
using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Operator.Runtime;

/// <summary>
/// Typed CRUD for one kind by REST path (core group → /api/v1, others → /apis/group/version), JSON via KubernetesJson.
/// Works for built-in and custom kinds alike; namespace handling follows <see cref="EntityMetadata.Namespaced"/>.
/// </summary>
public sealed class ResourceClient<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IKubernetes client;
    private readonly EntityMetadata meta = EntityMetadata.For<TEntity>();
    private readonly WriteExpectations<TEntity>? expectations;

    public ResourceClient(IKubernetes client)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
    }

    /// <summary>A client whose writes are recorded in <paramref name="expectations"/> (the controller of this kind waits for its cache to see them).</summary>
    public ResourceClient(IKubernetes client, WriteExpectations<TEntity> expectations)
        : this(client)
    {
        ArgumentNullException.ThrowIfNull(expectations);
        this.expectations = expectations;
    }

    public EntityMetadata Metadata => meta;

    /// <summary>Reads the object; null when it does not exist.</summary>
    public async Task<TEntity?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = meta.Namespaced
                ? await client.CustomObjects.GetNamespacedCustomObjectWithHttpMessagesAsync<TEntity>(
                    meta.Group, meta.Version, RequireNamespace(key), meta.Plural, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await client.CustomObjects.GetClusterCustomObjectWithHttpMessagesAsync<TEntity>(
                    meta.Group, meta.Version, meta.Plural, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Body;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Lists objects (all pages), in one namespace or across all namespaces when <paramref name="namespace"/> is null.</summary>
    public async Task<IList<TEntity>> ListAsync(string? @namespace, string? labelSelector, CancellationToken cancellationToken)
    {
        var (items, _) = await ListWithVersionAsync(@namespace, labelSelector, null, cancellationToken).ConfigureAwait(false);
        return items;
    }

    public async Task<TEntity> CreateAsync(TEntity entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        EnsureTypeMeta(entity);
        var key = ObjectKey.From(entity);
        using var response = meta.Namespaced
            ? await client.CustomObjects.CreateNamespacedCustomObjectWithHttpMessagesAsync<TEntity>(
                entity, meta.Group, meta.Version, RequireNamespace(key), meta.Plural, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.CustomObjects.CreateClusterCustomObjectWithHttpMessagesAsync<TEntity>(
                entity, meta.Group, meta.Version, meta.Plural, cancellationToken: cancellationToken).ConfigureAwait(false);
        return Recorded(response.Body);
    }

    /// <summary>Replaces the object; the server rejects it with 409 Conflict when metadata.resourceVersion is stale.</summary>
    public Task<TEntity> ReplaceAsync(TEntity entity, CancellationToken cancellationToken) => ReplaceCoreAsync(entity, status: false, cancellationToken);

    public Task<TEntity> ReplaceStatusAsync(TEntity entity, CancellationToken cancellationToken) => ReplaceCoreAsync(entity, status: true, cancellationToken);

    public Task<TEntity> PatchAsync(ObjectKey key, V1Patch patch, CancellationToken cancellationToken) => PatchCoreAsync(key, patch, status: false, cancellationToken);

    public Task<TEntity> PatchStatusAsync(ObjectKey key, V1Patch patch, CancellationToken cancellationToken) => PatchCoreAsync(key, patch, status: true, cancellationToken);

    /// <summary>Deletes the object; succeeds when it is already gone.</summary>
    public Task DeleteAsync(ObjectKey key, CancellationToken cancellationToken) => DeleteAsync(key, null, cancellationToken);

    /// <summary>Deletes the object if it still matches <paramref name="preconditions"/> (uid, resourceVersion; else 409); succeeds when it is already gone.</summary>
    public async Task DeleteAsync(ObjectKey key, V1Preconditions? preconditions, CancellationToken cancellationToken)
    {
        var options = preconditions is null ? null : new V1DeleteOptions { Preconditions = preconditions };
        try
        {
            using var response = meta.Namespaced
                ? await client.CustomObjects.DeleteNamespacedCustomObjectWithHttpMessagesAsync<object>(
                    meta.Group, meta.Version, RequireNamespace(key), meta.Plural, key.Name, body: options, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await client.CustomObjects.DeleteClusterCustomObjectWithHttpMessagesAsync<object>(
                    meta.Group, meta.Version, meta.Plural, key.Name, body: options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone: deleting is idempotent.
        }
    }

    /// <summary>Objects per list request: client-go's pager.PageSize, which its informers list with.</summary>
    internal const int ListPageSize = 500;

    /// <summary>
    /// Lists every object in pages of <see cref="ListPageSize"/> (<c>limit</c>/<c>continue</c>), all from the first page's
    /// snapshot, passing each item through <paramref name="shape"/> as its page arrives so only the shaped form is kept.
    /// A continue token the server has expired (410) starts the list over once, as client-go's pager falls back to a
    /// full list; a second expiry is the caller's to retry.
    /// </summary>
    internal async Task<(IList<TEntity> Items, string? ResourceVersion)> ListWithVersionAsync(
        string? @namespace, string? labelSelector, Func<TEntity, TEntity>? shape, CancellationToken cancellationToken)
    {
        var items = new List<TEntity>();
        string? continueToken = null;
        var restarted = false;
        while (true)
        {
            EntityList<TEntity> page;
            try
            {
                page = await ListPageAsync(@namespace, labelSelector, continueToken, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (continueToken is not null && !restarted && e.Response.StatusCode == HttpStatusCode.Gone)
            {
                // The snapshot behind the token was compacted: the pages so far may be stale against any later one.
                restarted = true;
                items.Clear();
                continueToken = null;
                continue;
            }

            foreach (var item in page.Items ?? [])
            {
                // List items omit apiVersion/kind; restore them so cached objects are complete.
                EnsureTypeMeta(item);
                items.Add(shape is null ? item : shape(item));
            }

            continueToken = page.Metadata?.ContinueProperty;
            if (string.IsNullOrEmpty(continueToken))
            {
                return (items, page.Metadata?.ResourceVersion);
            }
        }
    }

    private async Task<EntityList<TEntity>> ListPageAsync(string? @namespace, string? labelSelector, string? continueToken, CancellationToken cancellationToken)
    {
        using var response = meta.Namespaced && @namespace is not null
            ? await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<EntityList<TEntity>>(
                meta.Group, meta.Version, @namespace, meta.Plural, continueParameter: continueToken, labelSelector: labelSelector,
                limit: ListPageSize, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<EntityList<TEntity>>(
                meta.Group, meta.Version, meta.Plural, continueParameter: continueToken, labelSelector: labelSelector,
                limit: ListPageSize, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Body;
    }

    /// <summary>Watches from <paramref name="resourceVersion"/> (with bookmarks) until the server ends the watch after <paramref name="timeoutSeconds"/>.</summary>
    internal IAsyncEnumerable<(WatchEventType Type, TEntity Object)> WatchAsync(
        string? @namespace, string? labelSelector, string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken)
    {
        var kubernetes = client as Kubernetes
            ?? throw new NotSupportedException($"Watching {meta.Plural} needs a {typeof(Kubernetes).FullName} client, not {client.GetType().FullName}.");
        return WatchStream.ReadAsync<TEntity>(kubernetes, WatchUri(@namespace, labelSelector, resourceVersion, timeoutSeconds), onError, cancellationToken);
    }

    /// <summary>The watch request's path and query, relative to the client's base URI (core kinds under api/v1, others under apis/group/version).</summary>
    internal string WatchUri(string? @namespace, string? labelSelector, string resourceVersion, int timeoutSeconds)
    {
        var path = new StringBuilder(meta.Group.Length == 0 ? $"api/{meta.Version}/" : $"apis/{meta.Group}/{meta.Version}/");
        if (meta.Namespaced && @namespace is not null)
        {
            path.Append("namespaces/").Append(Uri.EscapeDataString(@namespace)).Append('/');
        }

        path.Append(meta.Plural).Append("?watch=true&allowWatchBookmarks=true");
        if (!string.IsNullOrEmpty(labelSelector))
        {
            path.Append("&labelSelector=").Append(Uri.EscapeDataString(labelSelector));
        }

        if (!string.IsNullOrEmpty(resourceVersion))
        {
            path.Append("&resourceVersion=").Append(Uri.EscapeDataString(resourceVersion));
        }

        return path.Append("&timeoutSeconds=").Append(timeoutSeconds.ToString(CultureInfo.InvariantCulture)).ToString();
    }

    internal void EnsureTypeMeta(TEntity entity)
    {
        entity.ApiVersion ??= meta.ApiVersion;
        entity.Kind ??= meta.Kind;
    }

    private async Task<TEntity> ReplaceCoreAsync(TEntity entity, bool status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        EnsureTypeMeta(entity);
        var key = ObjectKey.From(entity);
        using var response = (meta.Namespaced, status) switch
        {
            (true, false) => await client.CustomObjects.ReplaceNamespacedCustomObjectWithHttpMessagesAsync<TEntity>(
                entity, meta.Group, meta.Version, RequireNamespace(key), meta.Plural, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false),
            (true, true) => await client.CustomObjects.ReplaceNamespacedCustomObjectStatusWithHttpMessagesAsync<TEntity>(
                entity, meta.Group, meta.Version, RequireNamespace(key), meta.Plural, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false),
            (false, false) => await client.CustomObjects.ReplaceClusterCustomObjectWithHttpMessagesAsync<TEntity>(
                entity, meta.Group, meta.Version, meta.Plural, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false),
            (false, true) => await client.CustomObjects.ReplaceClusterCustomObjectStatusWithHttpMessagesAsync<TEntity>(
                entity, meta.Group, meta.Version, meta.Plural, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false),
        };
        return Recorded(response.Body);
    }

    private async Task<TEntity> PatchCoreAsync(ObjectKey key, V1Patch patch, bool status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        using var response = (meta.Namespaced, status) switch
        {
            (true, false) => await client.CustomObjects.PatchNamespacedCustomObjectWithHttpMessagesAsync<TEntity>(
                patch, meta.Group, meta.Version, RequireNamespace(key), meta.Plural, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false),
            (true, true) => await client.CustomObjects.PatchNamespacedCustomObjectStatusWithHttpMessagesAsync<TEntity>(
                patch, meta.Group, meta.Version, RequireNamespace(key), meta.Plural, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false),
            (false, false) => await client.CustomObjects.PatchClusterCustomObjectWithHttpMessagesAsync<TEntity>(
                patch, meta.Group, meta.Version, meta.Plural, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false),
            (false, true) => await client.CustomObjects.PatchClusterCustomObjectStatusWithHttpMessagesAsync<TEntity>(
                patch, meta.Group, meta.Version, meta.Plural, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false),
        };
        return Recorded(response.Body);
    }

    private TEntity Recorded(TEntity written)
    {
        expectations?.Written(written);
        return written;
    }

    private string RequireNamespace(ObjectKey key) =>
        key.Namespace ?? throw new ArgumentException($"{meta.Kind} is namespaced; the key '{key}' has no namespace.", nameof(key));
}
