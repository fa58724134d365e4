using System.Text.Json.Nodes;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Stores;

namespace Operator.RestApi;

/// <summary>
/// Applies <c>PUT /v1/secret-groups/{id}</c>: values go to the group's own store locations (never to a custom resource)
/// through <see cref="GroupStoreAccess"/>, the gate a sync's resolve step also passes; the key list goes to spec.secrets.
/// Order: decide on the group as the API server has it, claim it (a conditional stamp, so a concurrent writer that
/// decided on the same version fails), write new values, save the key list, then delete left-out keys' values only
/// when the integration's deletionPolicy is Delete. A sync in between never sees a listed key without its value.
/// </summary>
[Rbac("secrets.tfy.dev", "secretgroups", "patch", "Values set through the REST API stamp the group (so every replica re-syncs it) and save its key list, conditionally on the version read.", Feature = "rest-api")]
public sealed class GroupValueWriter(GroupStoreAccess access, GroupWrites writes)
{
    /// <summary>Applies <paramref name="request"/> to the group <paramref name="found"/> names; <paramref name="authorize"/> throws when the caller may not do it to the group as it is now.</summary>
    public async Task<ValuesApplied> ApplyAsync(
        SecretGroup found, SetSecretsRequest? request, string? expectedVersion, Action<SecretGroup> authorize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(authorize);
        var key = ObjectKey.From(found);
        for (var attempt = 0; attempt < GroupWrites.MaxAttempts; attempt++)
        {
            var fresh = await writes.ReadAsync(key, found.Metadata.Uid, cancellationToken).ConfigureAwait(false);
            authorize(fresh);
            GroupWrites.CheckPrecondition(fresh, expectedVersion);
            var plan = SecretsValidator.Validate(request, fresh, expectedVersion is not null);
            var locations = await access.OpenAsync(fresh, cancellationToken).ConfigureAwait(false);
            await CheckReaddedAsync(locations, plan, cancellationToken).ConfigureAwait(false);
            var claimed = await writes.TryWriteAsync(fresh, null, cancellationToken).ConfigureAwait(false);
            if (claimed is null)
            {
                continue;
            }

            var written = await WriteValuesAsync(locations, plan.Inputs, cancellationToken).ConfigureAwait(false);
            var saved = await SaveKeysAsync(claimed, plan, cancellationToken).ConfigureAwait(false);
            var deleted = 0;
            if (locations.DeletesValues)
            {
                var kept = (saved.Spec.Secrets ?? []).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);

                // Keys that read from a remoteRef are not the group's own values: only the key goes, the value stays.
                foreach (var gone in plan.Removed.Where(s => s.RemoteRef is null && !kept.Contains(s.Key)))
                {
                    await locations.DeleteAsync(gone.Key, cancellationToken).ConfigureAwait(false);
                    deleted++;
                }
            }

            return new ValuesApplied(saved, written, plan.Removed.Count, deleted);
        }

        throw GroupWrites.Busy(found);
    }

    /// <summary>A key listed without a value must be in the group, or have a value retained at its own location.</summary>
    private static async Task CheckReaddedAsync(GroupStoreLocations locations, SecretsPlan plan, CancellationToken cancellationToken)
    {
        foreach (var i in plan.Readded)
        {
            if (await locations.ReadAsync(plan.Inputs[i].Key!, cancellationToken).ConfigureAwait(false) is null)
            {
                throw ApiException.Invalid($"secrets[{i}].value", $"key '{plan.Inputs[i].Key}' is not in the group and its store location holds no value, so it needs a value");
            }
        }
    }

    /// <summary>Writes the values given, only where they differ from the stored value (a store version per real change).</summary>
    private static async Task<int> WriteValuesAsync(GroupStoreLocations locations, IReadOnlyList<SecretInput> inputs, CancellationToken cancellationToken)
    {
        var written = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            if (!inputs[i].HasValue)
            {
                continue;
            }

            var value = inputs[i].Bytes();
            var current = await locations.ReadAsync(inputs[i].Key!, cancellationToken).ConfigureAwait(false);
            if (current is not null && current.Value.Span.SequenceEqual(value))
            {
                continue;
            }

            try
            {
                await locations.WriteAsync(inputs[i].Key!, value, cancellationToken).ConfigureAwait(false);
            }
            catch (SecretStoreException e) when (e.Kind == StoreErrorKind.ValueTooLarge)
            {
                throw ApiException.Invalid($"secrets[{i}].{(inputs[i].ValueBase64 is null ? "value" : "valueBase64")}", e.Message);
            }

            written++;
        }

        return written;
    }

    /// <summary>
    /// Saves the key list onto the group as it is at the time of the write: the request's keys in its order, then keys
    /// a concurrent writer added (this request did not decide on them, so it does not remove them).
    /// </summary>
    private async Task<SecretGroup> SaveKeysAsync(SecretGroup claimed, SecretsPlan plan, CancellationToken cancellationToken)
    {
        var current = claimed;
        var removed = plan.Removed.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        for (var attempt = 0; attempt < GroupWrites.MaxAttempts; attempt++)
        {
            var specs = (current.Spec.Secrets ?? []).ToDictionary(s => s.Key, StringComparer.Ordinal);
            var listed = plan.Inputs.Select(i => i.Key!).ToHashSet(StringComparer.Ordinal);
            var entries = plan.Inputs.Select(i => specs.TryGetValue(i.Key!, out var s) ? s : new SecretKeySpec { Key = i.Key! })
                .Concat((current.Spec.Secrets ?? []).Where(s => !listed.Contains(s.Key) && !removed.Contains(s.Key)))
                .Select(Entry)
                .ToArray();
            var spec = new JsonObject { ["secrets"] = entries.Length == 0 ? null : new JsonArray(entries) };
            if (await writes.TryWriteAsync(current, spec, cancellationToken).ConfigureAwait(false) is { } saved)
            {
                return saved;
            }

            current = await writes.ReadAsync(ObjectKey.From(claimed), claimed.Metadata.Uid, cancellationToken).ConfigureAwait(false);
        }

        throw GroupWrites.Busy(claimed);
    }

    private static JsonNode Entry(SecretKeySpec spec) => spec.RemoteRef is null
        ? new JsonObject { ["key"] = spec.Key }
        : new JsonObject { ["key"] = spec.Key, ["remoteRef"] = spec.RemoteRef };
}
