using System.Net;
using System.Text.Json.Nodes;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Runtime;
using Operator.Stores;

namespace Operator.RestApi;

/// <summary>
/// Writes values set through the API to the group's store (never to a custom resource), then records the key list
/// in spec.secrets with a new api-updated-at stamp, whose change makes the group due at once. Order matters: new values
/// first, then the key list, then deletes of keys left out, so a sync in between never sees a listed key missing.
/// </summary>
[Rbac("secrets.tfy.dev", "secretgroups", "patch", "Values set through the REST API stamp the group so every replica re-syncs it.", Feature = "rest-api")]
[Rbac("secrets.tfy.dev", "secretstoreintegrations", "get", "Values are written through the group's integration, read fresh before a write.", Scope = RbacScope.Cluster, Feature = "rest-api")]
public sealed class GroupValueWriter(
    IntegrationDirectory integrations,
    StoreConnector connector,
    ResourceClient<SecretGroup> groups,
    ResourceClient<SecretStoreIntegration> integrationClient,
    IOptions<TenancyOptions> options)
{
    /// <summary>Returns the updated group, how many values were written and how many keys removed.</summary>
    public async Task<(SecretGroup Group, int Written, int Removed)> ApplyAsync(
        SecretGroup group, IReadOnlyList<SecretInput> inputs, Action<SecretGroup> stamp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(stamp);
        var tenant = options.Value.Tenant;
        if (!ReferenceParser.TryParseIntegrationFqn(group.Spec.IntegrationFqn, "spec.integrationFqn", out var fqn, out var error))
        {
            throw ApiException.Conflict($"the group's {error}");
        }

        var integration = await FindIntegrationAsync(fqn, cancellationToken).ConfigureAwait(false)
            ?? throw ApiException.Conflict($"the group's spec.integrationFqn '{fqn}' names no SecretStoreIntegration");
        var store = await connector.ConnectAsync(integration, cancellationToken).ConfigureAwait(false);
        if (!store.Capabilities.CanWrite)
        {
            throw ApiException.Conflict($"the store of integration '{fqn}' is read-only; values cannot be set through the API");
        }

        var groupFqn = new GroupFqn(tenant, group.Metadata.Name);
        var written = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            if (!inputs[i].HasValue)
            {
                continue;
            }

            var path = store.DefaultPath(groupFqn, inputs[i].Key!);
            var value = inputs[i].Bytes();
            var current = await store.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            if (current is null || !current.Value.Span.SequenceEqual(value))
            {
                try
                {
                    await store.WriteAsync(path, value, cancellationToken).ConfigureAwait(false);
                }
                catch (SecretStoreException e) when (e.Kind == StoreErrorKind.ValueTooLarge)
                {
                    throw ApiException.Invalid($"secrets[{i}].{(inputs[i].ValueBase64 is null ? "value" : "valueBase64")}", e.Message);
                }

                written++;
            }
        }

        var wanted = inputs.Select(i => i.Key!).ToHashSet(StringComparer.Ordinal);
        var left = (group.Spec.Secrets ?? []).Where(s => !wanted.Contains(s.Key)).ToList();
        var saved = await SaveKeysAsync(group, inputs, stamp, cancellationToken).ConfigureAwait(false);

        // Keys that read from a remoteRef are not the group's own values: only the key goes, the value stays.
        foreach (var gone in left.Where(s => s.RemoteRef is null))
        {
            await store.DeleteAsync(store.DefaultPath(groupFqn, gone.Key), cancellationToken).ConfigureAwait(false);
        }

        return (saved, written, left.Count);
    }

    /// <summary>The informer cache first; an integration created a moment ago may only be on the API server yet.</summary>
    private async Task<SecretStoreIntegration?> FindIntegrationAsync(IntegrationFqn fqn, CancellationToken cancellationToken)
    {
        if (integrations.Find(fqn) is { } cached)
        {
            return cached;
        }

        var fresh = await integrationClient.GetAsync(new ObjectKey(null, fqn.Name), cancellationToken).ConfigureAwait(false);
        return fresh is not null && integrations.FqnOf(fresh) == fqn ? fresh : null;
    }

    /// <summary>
    /// A JSON merge patch of spec.secrets (lists are replaced whole) and the stamp: the reconciler's status writes
    /// do not make it fail the way a replace with a resourceVersion would. The uid makes it refuse a re-created group.
    /// </summary>
    private async Task<SecretGroup> SaveKeysAsync(SecretGroup group, IReadOnlyList<SecretInput> inputs, Action<SecretGroup> stamp, CancellationToken cancellationToken)
    {
        var specs = (group.Spec.Secrets ?? []).ToDictionary(s => s.Key, StringComparer.Ordinal);
        var stamped = new SecretGroup { Metadata = new V1ObjectMeta { Annotations = group.Metadata.Annotations is null ? null : new Dictionary<string, string>(group.Metadata.Annotations) } };
        stamp(stamped);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["uid"] = group.Metadata.Uid,
                ["annotations"] = new JsonObject { [GroupViews.UpdatedAtAnnotation] = stamped.Metadata.Annotations![GroupViews.UpdatedAtAnnotation] },
            },
            ["spec"] = new JsonObject
            {
                ["secrets"] = new JsonArray(inputs.Select(i => (JsonNode?)Entry(specs.TryGetValue(i.Key!, out var s) ? s : new SecretKeySpec { Key = i.Key! })).ToArray()),
            },
        };
        try
        {
            return await groups.PatchAsync(ObjectKey.From(group), new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw ApiException.NotFound($"id: secret group '{group.Metadata.Uid}' was deleted meanwhile");
        }
    }

    private static JsonObject Entry(SecretKeySpec spec) => spec.RemoteRef is null
        ? new JsonObject { ["key"] = spec.Key }
        : new JsonObject { ["key"] = spec.Key, ["remoteRef"] = spec.RemoteRef };
}
