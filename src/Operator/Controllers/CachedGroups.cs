using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>
/// The SecretGroup informer transform (issue 21): the cache holds tens of thousands of groups, so each one's strings
/// that repeat across groups (key names, versions, condition types and reasons, the integration FQN, labels) share
/// one instance, a status key whose name and remoteRef equal its spec entry's shares those, a status key's fqn and
/// remoteRef hold only the part before the key name, one instance per group (<see cref="SecretKeyStatus.ShareKeyPrefixes"/>),
/// the spec and status keys are arrays, not objects (<see cref="CompactKeySpecs"/>, <see cref="CompactKeyStatuses"/>),
/// and managedFields, which the operator never reads, are dropped (a PUT without them keeps the server's, as
/// kube-apiserver documents). Values stay equal, so status comparisons and writes see the same group.
/// </summary>
public static class CachedGroups
{
    private const int MaxParts = 1024;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Parts = new(StringComparer.Ordinal);

    private static StringPool Pool => StringPool.Shared;

    /// <summary>Shapes <paramref name="group"/>, just decoded by the informer, in place and returns it.</summary>
    public static SecretGroup Compact(SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.ApiVersion = Pool.Share(group.ApiVersion)!;
        group.Kind = Pool.Share(group.Kind)!;
        Metadata(group.Metadata);
        var specKeys = group.Spec?.Secrets ?? [];
        if (group.Spec is { } spec)
        {
            spec.IntegrationFqn = Pool.Share(spec.IntegrationFqn)!;
            spec.RefreshInterval = Pool.Share(spec.RefreshInterval);
            spec.RefreshPolicy = Pool.Share(spec.RefreshPolicy);
            foreach (var key in specKeys)
            {
                key.Key = Pool.Share(key.Key)!;
            }
        }

        CompactSpecKeys(group);
        if (group.Status is not { } status)
        {
            return group;
        }

        status.SecretName = status.SecretName == group.Metadata?.Name ? group.Metadata?.Name : status.SecretName;
        var prefixes = new Dictionary<string, string>(StringComparer.Ordinal);
        Func<string, string> sharePrefix = p => prefixes.TryAdd(p, p) ? p : prefixes[p];
        for (var i = 0; i < (status.Secrets?.Count ?? 0); i++)
        {
            var key = status.Secrets![i];
            var same = i < specKeys.Count && specKeys[i].Key == key.Key ? specKeys[i] : null;
            key.Key = same?.Key ?? Pool.Share(key.Key)!;
            key.RemoteRef = same?.RemoteRef == key.RemoteRef ? same.RemoteRef! : key.RemoteRef;
            key.Version = Pool.Share(key.Version);
            key.From = Pool.Share(key.From);
            key.ShareKeyPrefixes(sharePrefix);
        }

        status.Secrets = status.Secrets is null ? null : CompactKeyStatuses.From(status.Secrets, SharedPart, [status.Fqn, group.Metadata?.Name], (group.Spec?.Secrets as CompactKeySpecs)?.Keys);

        if (status.SyncedInputs is { } inputs)
        {
            // The integration's `<uid>/<generation>` is the same in every group that uses it.
            status.SyncedInputs = inputs with { Integration = Pool.Share(inputs.Integration)!, Aliases = Pool.Share(inputs.Aliases)!, Annotations = Pool.Share(inputs.Annotations)! };
        }

        foreach (var condition in status.Conditions ?? [])
        {
            Condition(condition);
        }

        return group;
    }

    private static void CompactSpecKeys(SecretGroup group)
    {
        if (group.Spec?.Secrets is { } keys)
        {
            group.Spec.Secrets = CompactKeySpecs.From(keys);
        }
    }

    /// <summary>
    /// The one instance of a part of status key prefixes that groups repeat (<c>tfy-secret://</c>, an integration FQN
    /// with its store path). Bounded: once <see cref="MaxParts"/> are held, a new part is returned as it is.
    /// </summary>
    private static string SharedPart(string part)
    {
        if (Parts.TryGetValue(part, out var shared))
        {
            return shared;
        }

        return Parts.Count < MaxParts ? Parts.GetOrAdd(part, part) : part;
    }

    private static void Metadata(V1ObjectMeta? meta)
    {
        if (meta is null)
        {
            return;
        }

        meta.NamespaceProperty = Pool.Share(meta.NamespaceProperty);
        meta.Labels = Pool.Share(meta.Labels);
        meta.Annotations = Pool.Share(meta.Annotations);
        meta.ManagedFields = null;
    }

    private static void Condition(V1Condition condition)
    {
        condition.Type = Pool.Share(condition.Type)!;
        condition.Status = Pool.Share(condition.Status)!;
        condition.Reason = Pool.Share(condition.Reason);
        condition.Message = RecentMessage(condition.Message);
    }

    /// <summary>
    /// Groups synced in the same second say the same "last sync ..." (a sync wave: hundreds in a row), which no bounded
    /// pool could hold for long, as every second brings a new one: one slot remembering the last message shares them.
    /// </summary>
    private static readonly SameAsLast Messages = new();

    private static string? RecentMessage(string? message) => Messages.Share(message);
}

/// <summary>Returns the instance it saw last when the value equals it, else remembers the new one: shares runs of equal
/// strings for the cost of one slot (a race only loses sharing, never a value).</summary>
internal sealed class SameAsLast
{
    private string? last;

    public string? Share(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var seen = Volatile.Read(ref last);
        if (seen is not null && string.Equals(seen, value, StringComparison.Ordinal))
        {
            return seen;
        }

        Volatile.Write(ref last, value);
        return value;
    }
}
