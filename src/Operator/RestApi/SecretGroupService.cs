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
    IOptions<RestApiOptions> options,
    IOptions<TenancyOptions> tenancy,
    TimeProvider time,
    ILogger<SecretGroupService> logger)
{
    public const int MaxLimit = 1000;
    public const int DefaultLimit = 100;

    private string Tenant => tenancy.Value.Tenant;

    private IReadOnlyList<string> TenantAdmins => tenancy.Value.TenantAdmins;

    /// <summary>
    /// Creates or updates the group named in the manifest in <see cref="RestApiOptions.Namespace"/>. Creating needs a
    /// tenant admin (no group exists yet whose collaborators could allow it); updating needs the group's admin role.
    /// </summary>
    public async Task<GroupView> ApplyManifestAsync(Caller caller, ManifestRequest? request, CancellationToken cancellationToken)
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

        var existing = await groups.GetAsync(new ObjectKey(ns, manifest.Name), cancellationToken).ConfigureAwait(false);
        if (existing is null && !caller.IsTenantAdmin(TenantAdmins))
        {
            throw ApiException.Forbidden("creating a secret group needs a tenant admin");
        }

        if (existing is not null && caller.RoleOn(existing, TenantAdmins) < GroupRole.Admin)
        {
            throw ApiException.Forbidden($"changing the manifest of group '{Tenant}:{manifest.Name}' needs the {GroupRoles.Admin} role");
        }

        // Keys (spec.secrets) and everything else in the spec stay as they are on update.
        var group = existing ?? new SecretGroup { Metadata = new V1ObjectMeta { Name = manifest.Name, NamespaceProperty = ns } };
        group.Spec.IntegrationFqn = manifest.Integration.ToString();
        group.Spec.Collaborators = manifest.Collaborators.Count == 0 ? null : [.. manifest.Collaborators];
        if (request.DryRun)
        {
            return GroupViews.From(group, Tenant);
        }

        Stamp(group);
        var saved = existing is null
            ? await groups.CreateAsync(group, cancellationToken).ConfigureAwait(false)
            : await groups.PatchAsync(ObjectKey.From(group), ManifestPatch(group), cancellationToken).ConfigureAwait(false);
        LogManifestApplied(logger, ns, manifest.Name, existing is null ? "created" : "updated", caller.Name);
        return GroupViews.From(saved, Tenant);
    }

    /// <summary>Sets the group's keys: values to the store, the key list to spec.secrets (see <see cref="GroupValueWriter"/>).</summary>
    public async Task<GroupView> SetSecretsAsync(Caller caller, string id, SetSecretsRequest? request, CancellationToken cancellationToken)
    {
        var group = await RequireAsync(caller, id, GroupRole.Editor, "setting secret values", cancellationToken).ConfigureAwait(false);
        var inputs = SecretsValidator.Validate(request, group);
        var (saved, written, removed) = await values.ApplyAsync(group, inputs, Stamp, cancellationToken).ConfigureAwait(false);
        LogSecretsSet(logger, group.Metadata.NamespaceProperty, group.Metadata.Name, written, removed, caller.Name);
        return GroupViews.From(saved, Tenant);
    }

    public async Task<GroupView> GetAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var group = await RequireAsync(caller, id, GroupRole.Viewer, "viewing", cancellationToken).ConfigureAwait(false);
        return GroupViews.From(group, Tenant);
    }

    /// <summary>
    /// Deletes the custom resource; the managed Secret goes with it by owner reference. Values in the external store
    /// are NOT deleted: the store may be shared, and a group re-created under the same name finds them again.
    /// </summary>
    public async Task DeleteAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var group = await RequireAsync(caller, id, GroupRole.Admin, "deleting", cancellationToken).ConfigureAwait(false);
        await groups.DeleteAsync(ObjectKey.From(group), cancellationToken).ConfigureAwait(false);
        LogDeleted(logger, group.Metadata.NamespaceProperty, group.Metadata.Name, caller.Name);
    }

    /// <summary>The groups the caller may view, oldest first (then by name: timestamps have whole seconds); <paramref name="fqn"/> narrows to one group FQN.</summary>
    public GroupPage List(Caller caller, string? fqn, string? limitText, string? offsetText)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var limit = DefaultLimit;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            throw ApiException.Invalid("limit", $"must be a whole number from 1 to {MaxLimit}");
        }

        var offset = 0;
        if (offsetText is not null && !int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            throw ApiException.Invalid("offset", "must be a whole number of at least 0");
        }

        RequireSynced();
        IEnumerable<SecretGroup> candidates = cache.List().Where(g => g.Metadata.DeletionTimestamp is null);
        if (fqn is not null)
        {
            if (!References.ReferenceParser.TryParseGroupFqn(fqn, "fqn", out var parsed, out var error))
            {
                throw new ApiException(422, "validation_failed", error);
            }

            var owner = parsed.Tenant == Tenant ? directory.OwnerOf(parsed.Group) : null;
            candidates = owner is null ? [] : [owner];
        }

        var visible = candidates
            .Where(g => caller.RoleOn(g, TenantAdmins) >= GroupRole.Viewer)
            .OrderBy(g => g.Metadata.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(g => g.Metadata.Name, StringComparer.Ordinal)
            .ThenBy(g => g.Metadata.NamespaceProperty, StringComparer.Ordinal)
            .ToList();
        var page = visible.Skip(offset).Take(limit).Select(g => GroupViews.From(g, Tenant)).ToList();
        return new GroupPage(page, new Pagination(visible.Count, offset, limit));
    }

    private async Task<SecretGroup> RequireAsync(Caller caller, string id, GroupRole needed, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var group = await FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw ApiException.NotFound($"id: no secret group has id '{id}'");
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

        return group;
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

    // A merge patch of just the fields the manifest owns: no resourceVersion, so the operator's concurrent status
    // writes cannot make the caller's update fail with a conflict.
    private static V1Patch ManifestPatch(SecretGroup group)
    {
        var patch = new System.Text.Json.Nodes.JsonObject
        {
            ["metadata"] = new System.Text.Json.Nodes.JsonObject
            {
                ["annotations"] = new System.Text.Json.Nodes.JsonObject { [GroupViews.UpdatedAtAnnotation] = group.Metadata.Annotations![GroupViews.UpdatedAtAnnotation] },
            },
            ["spec"] = new System.Text.Json.Nodes.JsonObject
            {
                ["integrationFqn"] = group.Spec.IntegrationFqn,
                ["collaborators"] = group.Spec.Collaborators is null ? null : System.Text.Json.Nodes.JsonNode.Parse(k8s.KubernetesJson.Serialize(group.Spec.Collaborators)),
            },
        };
        return new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch);
    }

    /// <summary>
    /// Sets api-updated-at: now, or just after the stamp already there, so every API write changes it (its change is
    /// what makes the leader re-sync the group, on whichever replica the API ran).
    /// </summary>
    private void Stamp(SecretGroup group)
    {
        group.Metadata.Annotations ??= new Dictionary<string, string>();
        var now = time.GetUtcNow().UtcDateTime;
        if (group.Metadata.Annotations.TryGetValue(GroupViews.UpdatedAtAnnotation, out var previous)
            && DateTime.TryParse(previous, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var before)
            && before >= now)
        {
            now = before.AddTicks(1);
        }

        group.Metadata.Annotations[GroupViews.UpdatedAtAnnotation] = now.ToString("O", CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API: group {Namespace}/{Name} {Action} by {Caller}")]
    private static partial void LogManifestApplied(ILogger logger, string @namespace, string name, string action, string caller);

    [LoggerMessage(Level = LogLevel.Information, Message = "API: group {Namespace}/{Name}: {Written} values written, {Removed} keys removed by {Caller}")]
    private static partial void LogSecretsSet(ILogger logger, string @namespace, string name, int written, int removed, string caller);

    [LoggerMessage(Level = LogLevel.Information, Message = "API: group {Namespace}/{Name} deleted by {Caller}")]
    private static partial void LogDeleted(ILogger logger, string @namespace, string name, string caller);
}
