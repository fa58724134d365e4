using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.RestApi;

/// <summary>
/// Optimistic concurrency for the API's writes to a SecretGroup. A group's <see cref="VersionOf">version</see> changes
/// with its spec and with every API write (the api-updated-at stamp), never with the operator's status writes. Each
/// write carries the resourceVersion it was decided on, so the API server refuses it when anything changed meanwhile;
/// the caller then re-reads and decides again, and a caller's stale version is a 409.
/// </summary>
public sealed class GroupWrites(ResourceClient<SecretGroup> groups, TimeProvider time, RecentGroupWrites recent)
{
    /// <summary>Tries before a write that keeps meeting concurrent changes gives up with a 409.</summary>
    public const int MaxAttempts = 5;

    /// <summary>The version a caller sends back in <c>If-Match</c> or <c>resourceVersion</c>.</summary>
    public static string VersionOf(SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var stamp = group.Metadata.Annotations?.TryGetValue(GroupViews.UpdatedAtAnnotation, out var s) == true ? s : "";
        return Hashes.Digest($"{group.Metadata.Uid}|{group.Metadata.Generation}|{stamp}");
    }

    /// <summary>The group as the API server has it now (never the cache); 404 when it is gone or was re-created.</summary>
    public async Task<SecretGroup> ReadAsync(ObjectKey key, string uid, CancellationToken cancellationToken)
    {
        var fresh = await groups.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return fresh is not null && fresh.Metadata.Uid == uid && fresh.Metadata.DeletionTimestamp is null
            ? fresh
            : throw ApiException.NotFound($"id: secret group '{uid}' was deleted");
    }

    /// <summary>409 when the caller decided on another version than <paramref name="fresh"/> has.</summary>
    public static void CheckPrecondition(SecretGroup fresh, string? expected)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        if (expected is not null && expected != VersionOf(fresh))
        {
            throw new ApiException(409, "stale", $"resourceVersion: the group changed since version {Echo.Quote(expected)} (now '{VersionOf(fresh)}'); read it again and retry");
        }
    }

    /// <summary>
    /// Patches <paramref name="spec"/> (may be null) and a new api-updated-at stamp onto <paramref name="fresh"/>, on
    /// condition that it is unchanged; null when the API server refused because it changed.
    /// </summary>
    public async Task<SecretGroup?> TryWriteAsync(SecretGroup fresh, JsonObject? spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["uid"] = fresh.Metadata.Uid,
                ["resourceVersion"] = fresh.Metadata.ResourceVersion,
                ["annotations"] = new JsonObject { [GroupViews.UpdatedAtAnnotation] = NextStamp(fresh) },
            },
        };
        if (spec is not null)
        {
            patch["spec"] = spec;
        }

        try
        {
            var patched = await groups.PatchAsync(ObjectKey.From(fresh), new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), cancellationToken).ConfigureAwait(false);
            recent.Written(patched);
            return patched;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw ApiException.NotFound($"id: secret group '{fresh.Metadata.Uid}' was deleted meanwhile");
        }
    }

    /// <summary>The 409 after <see cref="MaxAttempts"/> tries that all met a concurrent change.</summary>
    public static ApiException Busy(SecretGroup group) =>
        new(409, "conflict", $"group '{group?.Metadata.Name}' kept changing while this request was applied ({MaxAttempts} tries); retry");

    /// <summary>Sets api-updated-at on a new group: now, in the form <see cref="NextStamp"/> writes.</summary>
    public void StampNew(SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.Metadata.Annotations ??= new Dictionary<string, string>();
        group.Metadata.Annotations[GroupViews.UpdatedAtAnnotation] = NextStamp(group);
    }

    /// <summary>
    /// Now, or just after the stamp already there, so every API write changes it (its change is what makes the leader
    /// re-sync the group, on whichever replica the API ran, and what moves the group's version).
    /// </summary>
    private string NextStamp(SecretGroup group)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (group.Metadata.Annotations?.TryGetValue(GroupViews.UpdatedAtAnnotation, out var previous) == true
            && DateTime.TryParse(previous, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var before)
            && before >= now)
        {
            now = before.AddTicks(1);
        }

        return now.ToString("O", CultureInfo.InvariantCulture);
    }
}
