using System.Globalization;
using System.Net;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Runtime;

namespace Operator.RestApi;

/// <summary>The API's operations on SecretGroups: manifests go to the custom resource, values only to the store.</summary>
[Rbac("secrets.tfy.dev", "secretgroups", "get,list,create,patch,delete", "The REST API creates, reads, updates and deletes groups in --api-namespace.", Feature = "rest-api")]
public sealed partial class SecretGroupService(
    IResourceCache<SecretGroup> cache,
    ResourceClient<SecretGroup> groups,
    GroupDirectory directory,
    GroupValueWriter values,
    GroupWrites writes,
    IOptions<RestApiOptions> options,
    IOptions<TenancyOptions> tenancy,
    ILogger<SecretGroupService> logger)
{
    public const int MaxLimit = 1000;
    public const int DefaultLimit = 100;

    internal string Tenant => tenancy.Value.Tenant;

    private IReadOnlyList<string> TenantAdmins => tenancy.Value.TenantAdmins;

    /// <summary>
    /// Creates or updates the group named in the manifest in <see cref="RestApiOptions.Namespace"/>. Creating needs a
    /// tenant admin (no group exists yet whose collaborators could allow it); updating needs the group's admin role.
    /// </summary>
    public async Task<GroupView> ApplyManifestAsync(Caller caller, ManifestRequest? request, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (request is null)
        {
            throw ApiException.Invalid("body", "is required");
        }

        var manifest = ManifestValidator.Validate(request.Manifest, Tenant);
        var ns = options.Value.Namespace;
        var owner = directory.OwnerOf(manifest.Name);
        if (owner is not null && owner.Metadata.NamespaceProperty != ns)
        {
            throw ApiException.Conflict($"manifest.name: group FQN '{Tenant}:{manifest.Name}' is already used by a SecretGroup in namespace '{owner.Metadata.NamespaceProperty}'");
        }

        expectedVersion ??= request.ResourceVersion;
        for (var attempt = 0; attempt < GroupWrites.MaxAttempts; attempt++)
        {
            var existing = await groups.GetAsync(new ObjectKey(ns, manifest.Name), cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                if (expectedVersion is not null)
                {
                    throw ApiException.NotFound($"manifest.name: group '{Tenant}:{manifest.Name}' does not exist, so it has no resourceVersion {Echo.Quote(expectedVersion)}");
                }

                return await CreateAsync(caller, manifest, request.DryRun, cancellationToken).ConfigureAwait(false);
            }

            if (caller.RoleOn(existing, TenantAdmins) < GroupRole.Admin)
            {
                throw ApiException.Forbidden($"changing the manifest of group '{Tenant}:{manifest.Name}' needs the {GroupRoles.Admin} role");
            }

            GroupWrites.CheckPrecondition(existing, expectedVersion);

            // Keys (spec.secrets) and everything else in the spec stay as they are.
            existing.Spec.IntegrationFqn = manifest.Integration.ToString();
            existing.Spec.Collaborators = manifest.Collaborators.Count == 0 ? null : [.. manifest.Collaborators];
            if (request.DryRun)
            {
                return GroupViews.From(existing, Tenant);
            }

            if (await writes.TryWriteAsync(existing, ManifestPatch(existing), cancellationToken).ConfigureAwait(false) is { } saved)
            {
                LogManifestApplied(logger, ns, manifest.Name, "updated", caller.Name);
                return GroupViews.From(saved, Tenant);
            }
        }

        throw ApiException.Conflict($"group '{Tenant}:{manifest.Name}' kept changing while this request was applied ({GroupWrites.MaxAttempts} tries); retry");
    }

    /// <summary>Creating needs a tenant admin: no group exists yet whose collaborators could allow it.</summary>
    private async Task<GroupView> CreateAsync(Caller caller, ValidManifest manifest, bool dryRun, CancellationToken cancellationToken)
    {
        if (!caller.IsTenantAdmin(TenantAdmins))
        {
            throw ApiException.Forbidden("creating a secret group needs a tenant admin");
        }

        var ns = options.Value.Namespace;
        var group = new SecretGroup { Metadata = new V1ObjectMeta { Name = manifest.Name, NamespaceProperty = ns } };
        group.Spec.IntegrationFqn = manifest.Integration.ToString();
        group.Spec.Collaborators = manifest.Collaborators.Count == 0 ? null : [.. manifest.Collaborators];
        if (dryRun)
        {
            return GroupViews.From(group, Tenant);
        }

        writes.StampNew(group);
        var saved = await groups.CreateAsync(group, cancellationToken).ConfigureAwait(false);
        LogManifestApplied(logger, ns, manifest.Name, "created", caller.Name);
        return GroupViews.From(saved, Tenant);
    }

    /// <summary>Sets the group's keys: values to the store, the key list to spec.secrets (see <see cref="GroupValueWriter"/>).</summary>
    public async Task<GroupView> SetSecretsAsync(Caller caller, string id, SetSecretsRequest? request, string? expectedVersion, CancellationToken cancellationToken)
    {
        var group = await RequireAsync(caller, id, GroupRole.Editor, "setting secret values", cancellationToken).ConfigureAwait(false);
        var applied = await values.ApplyAsync(group, request, expectedVersion ?? request?.ResourceVersion, g => Authorize(caller, g, GroupRole.Editor, "setting secret values"), cancellationToken).ConfigureAwait(false);
        LogSecretsSet(logger, group.Metadata.NamespaceProperty, group.Metadata.Name, applied.Written, applied.Removed, applied.Deleted, caller.Name);
        return GroupViews.From(applied.Group, Tenant);
    }

    /// <summary>
    /// One group as the API server has it now, not as the cache has it: the version it answers with is what the
    /// caller's next write is checked against, so it must include the caller's own last write.
    /// </summary>
    public async Task<GroupView> GetAsync(Caller caller, string id, CancellationToken cancellationToken) =>
        GroupViews.From(await RequireFreshAsync(caller, id, GroupRole.Viewer, "viewing", cancellationToken).ConfigureAwait(false), Tenant);

    /// <summary>
    /// Deletes the custom resource; the managed Secret goes with it by owner reference. Values in the external store
    /// are NOT deleted: the store may be shared, and the group's name keeps its location.
    /// </summary>
    public async Task DeleteAsync(Caller caller, string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        var group = await RequireAsync(caller, id, GroupRole.Admin, "deleting", cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < GroupWrites.MaxAttempts; attempt++)
        {
            var fresh = await writes.ReadAsync(ObjectKey.From(group), id, cancellationToken).ConfigureAwait(false);
            Authorize(caller, fresh, GroupRole.Admin, "deleting");
            GroupWrites.CheckPrecondition(fresh, expectedVersion);
            try
            {
                // Decided on this object: a change meanwhile (a new collaborator list, a re-created group) is a conflict.
                await groups.DeleteAsync(ObjectKey.From(fresh), new V1Preconditions { Uid = id, ResourceVersion = fresh.Metadata.ResourceVersion }, cancellationToken).ConfigureAwait(false);
                LogDeleted(logger, group.Metadata.NamespaceProperty, group.Metadata.Name, caller.Name);
                return;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
            }
        }

        throw GroupWrites.Busy(group);
    }

    /// <summary>
    /// The groups the caller may view, oldest first (then by name: timestamps have whole seconds); <paramref name="fqn"/>
    /// narrows to one group FQN, <paramref name="search"/> to names containing it.
    /// </summary>
    public GroupPage List(Caller caller, string? fqn, string? search, string? limitText, string? offsetText)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (limit, offset) = Paging(limitText, offsetText, MaxLimit);
        if (search is { Length: > 253 })
        {
            throw ApiException.Invalid("search", "is longer than a group name can be (253 characters)");
        }

        RequireSynced();
        IEnumerable<SecretGroup> candidates = cache.List().Where(g => g.Metadata.DeletionTimestamp is null);
        if (!string.IsNullOrEmpty(search))
        {
            candidates = candidates.Where(g => g.Metadata.Name.Contains(search, StringComparison.OrdinalIgnoreCase));
        }

        if (fqn is not null)
        {
            if (!References.ReferenceParser.TryParseGroupFqn(fqn, "fqn", out var parsed, out var error))
            {
                throw new ApiException(422, "validation_failed", error);
            }

            var owner = parsed.Tenant == Tenant ? directory.OwnerOf(parsed.Group) : null;
            candidates = owner is null ? [] : [owner];
        }

        var visible = Viewable(caller, candidates);
        var page = visible.Skip(offset).Take(limit).Select(g => GroupViews.From(g, Tenant)).ToList();
        return new GroupPage(page, new Pagination(visible.Count, offset, limit));
    }

    /// <summary>The groups (of <paramref name="candidates"/>, default all) the caller has a role on, in list order.</summary>
    internal IReadOnlyList<SecretGroup> Viewable(Caller caller, IEnumerable<SecretGroup>? candidates = null)
    {
        RequireSynced();
        return (candidates ?? cache.List().Where(g => g.Metadata.DeletionTimestamp is null))
            .Where(g => caller.RoleOn(g, TenantAdmins) >= GroupRole.Viewer)
            .OrderBy(g => g.Metadata.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(g => g.Metadata.Name, StringComparer.Ordinal)
            .ThenBy(g => g.Metadata.NamespaceProperty, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary><c>limit</c> (1 to <paramref name="max"/>, default <see cref="DefaultLimit"/> or max if lower) and <c>offset</c> (at least 0).</summary>
    internal static (int Limit, int Offset) Paging(string? limitText, string? offsetText, int max)
    {
        var limit = Math.Min(DefaultLimit, max);
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > max))
        {
            throw ApiException.Invalid("limit", $"must be a whole number from 1 to {max}");
        }

        var offset = 0;
        if (offsetText is not null && !int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            throw ApiException.Invalid("offset", "must be a whole number of at least 0");
        }

        return (limit, offset);
    }

    /// <summary>The caller's role on the group (a tenant admin is admin everywhere).</summary>
    internal GroupRole RoleOf(Caller caller, SecretGroup group) => caller.RoleOn(group, TenantAdmins);

    /// <summary>The group with id <paramref name="id"/> as the API server has it now, when the caller holds <paramref name="needed"/> on it.</summary>
    internal async Task<SecretGroup> RequireFreshAsync(Caller caller, string id, GroupRole needed, string action, CancellationToken cancellationToken)
    {
        var group = await RequireAsync(caller, id, needed, action, cancellationToken).ConfigureAwait(false);
        var fresh = await writes.ReadAsync(ObjectKey.From(group), id, cancellationToken).ConfigureAwait(false);
        Authorize(caller, fresh, needed, action);
        return fresh;
    }

    /// <summary>
    /// The group with <paramref name="id"/> as the API server has it now when the caller may view it, else null: a list
    /// right after the caller's own write must show it (the cache may lag), and no access still reads as "nothing".
    /// </summary>
    internal async Task<SecretGroup?> FreshIfViewableAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var group = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (group is null || caller.RoleOn(group, TenantAdmins) < GroupRole.Viewer)
        {
            return null;
        }

        var fresh = await groups.GetAsync(ObjectKey.From(group), cancellationToken).ConfigureAwait(false);
        return fresh is not null && fresh.Metadata.Uid == id && fresh.Metadata.DeletionTimestamp is null && caller.RoleOn(fresh, TenantAdmins) >= GroupRole.Viewer ? fresh : null;
    }

    private async Task<SecretGroup> RequireAsync(Caller caller, string id, GroupRole needed, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var group = await FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw ApiException.NotFound($"id: no secret group has id {Echo.Quote(id)}");
        Authorize(caller, group, needed, action);
        return group;
    }

    internal void Authorize(Caller caller, SecretGroup group, GroupRole needed, string action)
    {
        var role = caller.RoleOn(group, TenantAdmins);
        if (role == GroupRole.None)
        {
            // Same answer as a missing group would be more discreet, but callers need to tell "no access" from "gone".
            throw ApiException.Forbidden($"you have no role on group '{Tenant}:{group.Metadata.Name}'");
        }

        if (role < needed)
        {
            throw ApiException.Forbidden($"{action} group '{Tenant}:{group.Metadata.Name}' needs the {GroupRoles.IdOf(needed)} role or higher");
        }
    }

    /// <summary>By uid in the informer cache; right after a create the cache may lag, so the API namespace is listed once.</summary>
    private async Task<SecretGroup?> FindAsync(string id, CancellationToken cancellationToken)
    {
        RequireSynced();
        var hit = cache.List().FirstOrDefault(g => g.Metadata.Uid == id && g.Metadata.DeletionTimestamp is null);
        if (hit is not null)
        {
            return hit;
        }

        var listed = await groups.ListAsync(options.Value.Namespace, null, cancellationToken).ConfigureAwait(false);
        return listed.FirstOrDefault(g => g.Metadata.Uid == id && g.Metadata.DeletionTimestamp is null);
    }

    private void RequireSynced()
    {
        if (!cache.HasSynced)
        {
            throw new ApiException((int)HttpStatusCode.ServiceUnavailable, "not_ready", "the operator is still loading secret groups; retry shortly");
        }
    }

    // A merge patch of just the spec fields the manifest owns (GroupWrites adds the stamp and the resourceVersion).
    private static System.Text.Json.Nodes.JsonObject ManifestPatch(SecretGroup group) => new()
    {
        ["integrationFqn"] = group.Spec.IntegrationFqn,
        ["collaborators"] = group.Spec.Collaborators is null ? null : System.Text.Json.Nodes.JsonNode.Parse(k8s.KubernetesJson.Serialize(group.Spec.Collaborators)),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "API: group {Namespace}/{Name} {Action} by {Caller}")]
    private static partial void LogManifestApplied(ILogger logger, string @namespace, string name, string action, string caller);

    [LoggerMessage(Level = LogLevel.Information, Message = "API: group {Namespace}/{Name}: {Written} values written, {Removed} keys removed ({Deleted} values deleted from the store) by {Caller}")]
    private static partial void LogSecretsSet(ILogger logger, string @namespace, string name, int written, int removed, int deleted, string caller);

    [LoggerMessage(Level = LogLevel.Information, Message = "API: group {Namespace}/{Name} deleted by {Caller}")]
    private static partial void LogDeleted(ILogger logger, string @namespace, string name, string caller);
}
