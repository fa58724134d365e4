using System.Net;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>
/// creationPolicy Merge: adds the group's keys to an existing Secret it does not own, touching nothing else (its other
/// keys, labels, owners and type stay). The Secret records which keys are the group's, so a key the group drops is
/// removed and a key somebody else put there is never overwritten. Such Secrets carry no operator label, so they are
/// read from the API, not the informer.
/// </summary>
public sealed class MergedSecretWriter(ResourceClient<V1Secret> secrets)
{
    /// <summary>Secret types the operator never writes into: tokens the control plane mints and Helm's release records.</summary>
    private static readonly HashSet<string> RefusedTypes = new(StringComparer.Ordinal) { "kubernetes.io/service-account-token", "helm.sh/release.v1" };

    /// <summary>Whether the Secret still holds the group's keys with data of <paramref name="hash"/>.</summary>
    public async Task<bool> IsIntactAsync(SecretGroup group, string secretName, string hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var live = await secrets.GetAsync(new ObjectKey(group.Metadata.NamespaceProperty, secretName), cancellationToken).ConfigureAwait(false);
        return live is not null && MergedHashOf(live, group) == hash;
    }

    /// <summary>Merges <paramref name="data"/> into the Secret; returns whether it was changed and the keyed hash of the group's keys.</summary>
    public async Task<(bool Written, string Hash)> WriteAsync(SecretGroup group, string secretName, IReadOnlyDictionary<string, byte[]> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(data);
        var key = new ObjectKey(group.Metadata.NamespaceProperty, secretName);
        var live = await secrets.GetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new ConditionException("MergeTargetNotFound", $"spec.target.creationPolicy: Merge adds keys to an existing Secret, and Secret '{key}' does not exist; create it, or use creationPolicy Owner", retry: true);
        Check(live, group, key, data.Keys);

        var annotations = live.Metadata.Annotations ?? new Dictionary<string, string>();
        var salt = annotations.TryGetValue(ManagedLabels.MergedSalt, out var s) && !string.IsNullOrEmpty(s) ? s : SecretData.NewSalt();
        var hash = SecretData.Hash(data, salt);
        if (MergedHashOf(live, group) == hash)
        {
            return (false, hash);
        }

        var merged = live.Data is null ? new Dictionary<string, byte[]>(StringComparer.Ordinal) : new Dictionary<string, byte[]>(live.Data, StringComparer.Ordinal);
        foreach (var dropped in MergedKeysOf(live, group).Where(k => !data.ContainsKey(k)))
        {
            merged.Remove(dropped);
        }

        foreach (var (k, v) in data)
        {
            merged[k] = v;
        }

        annotations[ManagedLabels.MergedBy] = group.Metadata.Uid;
        annotations[ManagedLabels.MergedKeys] = string.Join(",", data.Keys.Order(StringComparer.Ordinal));
        annotations[ManagedLabels.MergedSalt] = salt;
        annotations[ManagedLabels.MergedHash] = hash;
        live.Metadata.Annotations = annotations;
        live.Data = merged;
        try
        {
            // A replace that carries the resourceVersion read: a concurrent edit answers 409 and the next attempt merges again.
            await secrets.ReplaceAsync(live, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new ConditionException("SecretWriteFailed", $"Secret '{key}' changed while its keys were merged; retrying", retry: true);
        }
        catch (HttpOperationException e)
        {
            throw ManagedSecretWriter.WriteFailed(key, e);
        }

        return (true, hash);
    }

    /// <summary>Refuses a Secret the group must not merge into, naming why; nothing is written.</summary>
    private static void Check(V1Secret live, SecretGroup group, ObjectKey key, IEnumerable<string> keys)
    {
        const string field = "spec.target.creationPolicy";
        if (RefusedTypes.Contains(live.Type ?? ""))
        {
            throw new ConditionException("MergeRefused", $"{field}: Merge never writes into Secret '{key}' of type {live.Type}", retry: false);
        }

        if (live.Immutable == true)
        {
            throw new ConditionException("MergeRefused", $"{field}: Secret '{key}' is immutable; Merge cannot add keys to it", retry: false);
        }

        var meta = live.Metadata;
        var named = meta.OwnerReferences?.FirstOrDefault(o => o.Kind == SecretGroup.KindName)?.Name
            ?? (meta.Labels?.TryGetValue(ManagedLabels.Group, out var name) == true ? name : null);
        var otherGroup = named is not null ? $"SecretGroup '{named}'"
            : meta.Annotations?.TryGetValue(ManagedLabels.MergedBy, out var uid) == true && uid != group.Metadata.Uid ? "another SecretGroup (it merged keys into it)" : null;
        if (otherGroup is not null)
        {
            throw new ConditionException("SecretConflict", $"{field}: Secret '{key}' is managed by {otherGroup}; Merge never adds keys to a Secret another group manages", retry: true);
        }

        // Consent before anything about the Secret's keys is said: a group author who cannot edit the Secret learns nothing.
        var allowed = meta.Annotations?.TryGetValue(ManagedLabels.MergeAllowedFrom, out var list) == true
            && list.Split(',', StringSplitOptions.TrimEntries).Contains(group.Metadata.Name, StringComparer.Ordinal);
        if (!allowed)
        {
            throw new ConditionException("MergeNotAllowed", $"{field}: Secret '{key}' does not allow this group to merge into it; whoever may edit the Secret annotates it {ManagedLabels.MergeAllowedFrom}: {group.Metadata.Name}", retry: true);
        }

        var ours = MergedKeysOf(live, group);
        var taken = keys.Where(k => live.Data?.ContainsKey(k) == true && !ours.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (taken.Count > 0)
        {
            throw new ConditionException("MergeConflict", $"{field}: Secret '{key}' already has key(s) {string.Join(", ", taken.Take(10))} that this group did not add; Merge never overwrites them", retry: true);
        }
    }

    /// <summary>The keys the group merged into the Secret, by its annotations; empty when another group's or none.</summary>
    private static HashSet<string> MergedKeysOf(V1Secret secret, SecretGroup group)
    {
        var annotations = secret.Metadata.Annotations;
        return annotations?.TryGetValue(ManagedLabels.MergedBy, out var uid) == true && uid == group.Metadata.Uid
            && annotations.TryGetValue(ManagedLabels.MergedKeys, out var keys) && keys.Length > 0
            ? keys.Split(',').ToHashSet(StringComparer.Ordinal)
            : [];
    }

    /// <summary>The keyed hash of the group's keys as the Secret holds them, when its annotation agrees; else null (edited, or not merged).</summary>
    private static string? MergedHashOf(V1Secret secret, SecretGroup group)
    {
        var annotations = secret.Metadata.Annotations;
        var keys = MergedKeysOf(secret, group);
        if (annotations is null || !annotations.TryGetValue(ManagedLabels.MergedSalt, out var salt) || string.IsNullOrEmpty(salt)
            || !annotations.TryGetValue(ManagedLabels.MergedHash, out var annotated) || keys.Any(k => secret.Data?.ContainsKey(k) != true))
        {
            return null;
        }

        var hash = SecretData.Hash(keys.ToDictionary(k => k, k => secret.Data![k], StringComparer.Ordinal), salt);
        return hash == annotated ? hash : null;
    }
}
