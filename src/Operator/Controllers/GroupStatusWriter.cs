using System.Globalization;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>
/// The pipeline's last step: the one status write of a reconcile (only when something changed), with its Event and log
/// line. A failure never touches the managed Secret.
/// </summary>
public sealed partial class GroupStatusWriter(
    ResourceClient<SecretGroup> api,
    IEventRecorder events,
    IOptions<TenancyOptions> options,
    TimeProvider time,
    ILogger<GroupStatusWriter> logger)
{
    /// <summary>Not due: the status of the last sync stands; its conditions are restated for the current generation.</summary>
    public Task NotDueAsync(SecretGroup group, ResolvedGroup resolved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        return WriteSyncedAsync(group, resolved, null, cancellationToken);
    }

    /// <summary>Records a sync: keys, data hash, times and the inputs it saw; an Event when the Secret was written or recovered.</summary>
    public async Task SyncedAsync(SecretGroup group, ResolvedGroup resolved, SyncResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(resolved);
        ArgumentNullException.ThrowIfNull(result);
        var wasFailing = group.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "False") == true;
        var keyCount = result.Data.PresentCount;
        if (result.Written)
        {
            events.Record(group, EventSeverity.Normal, "Synced", "Sync", $"wrote Secret {resolved.SecretName} with {keyCount} keys from {resolved.Fqn}");
            LogSecretWritten(logger, group.Metadata.NamespaceProperty, group.Metadata.Name, resolved.SecretName, keyCount);
        }
        else if (wasFailing)
        {
            events.Record(group, EventSeverity.Normal, "Recovered", "Sync", $"Secret {resolved.SecretName} is in sync with {resolved.Fqn} again; its data did not change");
        }

        await WriteSyncedAsync(group, resolved, result, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records a failure in status (and an Event when it is news); a retry with backoff when that may help, else the key
    /// rests until the group changes. A wait (<see cref="ConditionException.Waiting"/>) is recorded without a Warning.
    /// </summary>
    public async Task<ReconcileResult> FailedAsync(SecretGroup group, ConditionException failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(failure);
        var status = group.CopyOfStatus() ?? new SecretGroupStatus();
        status.Conditions ??= new List<V1Condition>();
        status.Fqn ??= new GroupFqn(options.Value.Tenant, group.Metadata.Name).ToString();
        var changed = Conditions.Set(status.Conditions, ConditionTypes.Ready, "False", failure.Reason, failure.Message, group.Metadata.Generation, time);
        changed |= Conditions.Set(status.Conditions, ConditionTypes.Synced, "False", failure.Reason, failure.Message, group.Metadata.Generation, time);
        changed |= status.ObservedGeneration != group.Metadata.Generation;
        status.ObservedGeneration = group.Metadata.Generation;
        if (changed)
        {
            await api.ReplaceStatusAsync(group.WithStatus<SecretGroup>(status), cancellationToken).ConfigureAwait(false);
        }

        if (failure.Waiting)
        {
            if (changed)
            {
                LogWaiting(logger, group.Metadata.NamespaceProperty, group.Metadata.Name, failure.Message);
            }

            return ReconcileResult.Done;
        }

        // News is a Warning line and an Event; a retry that finds the same failure only adds to the Event's series (at
        // most one API write per 30 minutes) and a Debug line, so a long outage costs no log volume per attempt. A
        // terminal failure re-evaluated (after its own status write, or after a restart) says nothing new at all.
        if (changed)
        {
            events.Record(group, EventSeverity.Warning, failure.Reason, "Sync", failure.Message);
            LogSyncFailed(logger, group.Metadata.NamespaceProperty, group.Metadata.Name, failure.Reason, failure.Message);
        }
        else if (failure.Retry)
        {
            events.Record(group, EventSeverity.Warning, failure.Reason, "Sync", failure.Message);
            LogStillFailing(logger, group.Metadata.NamespaceProperty, group.Metadata.Name, failure.Reason);
        }

        return failure.Retry ? ReconcileResult.Retry(failure.Reason) : ReconcileResult.Terminal(failure.Reason);
    }

    private async Task WriteSyncedAsync(SecretGroup group, ResolvedGroup resolved, SyncResult? result, CancellationToken cancellationToken)
    {
        var before = k8s.KubernetesJson.Serialize(group.Status ?? new SecretGroupStatus());
        var status = group.CopyOfStatus() ?? new SecretGroupStatus();
        status.Fqn = new GroupFqn(options.Value.Tenant, group.Metadata.Name).ToString();
        if (result is not null)
        {
            var keys = result.Data.KeyStatus(new GroupFqn(options.Value.Tenant, group.Metadata.Name));
            status.SecretName = resolved.SecretName;
            status.KeyCount = result.Data.PresentCount;
            status.Secrets = keys;
            status.DataHash = result.DataHash;
            status.LastSyncTime = result.SyncedAt;
            status.NextSyncTime = result.NextSync == SyncSchedule.Never ? null : result.NextSync;
            status.SyncedInputs = resolved.Inputs;
            status.DataChangeTime = result.DataChanged ? result.SyncedAt : status.DataChangeTime;
            status.Conditions ??= new List<V1Condition>();
            SetShadowed(group, status.Conditions, result.Data.Shadowed());
        }

        status.ObservedGeneration = group.Metadata.Generation;
        status.Conditions ??= new List<V1Condition>();
        var lastSync = DateTime.SpecifyKind(status.LastSyncTime.GetValueOrDefault(), DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture);
        var absent = status.Secrets?.Where(k => k.Absent == true).Select(k => k.Key).ToList() ?? [];
        var left = absent.Count == 0 ? "" : $"; not in the store, so left out (target.deletionPolicy Delete): {string.Join(", ", absent.Take(10))}{(absent.Count > 10 ? $" and {absent.Count - 10} more" : "")}";
        Conditions.Set(status.Conditions, ConditionTypes.Ready, "True", "Synced", $"{status.KeyCount ?? 0} keys synced from {resolved.Fqn} into Secret {resolved.SecretName}{left}", group.Metadata.Generation, time);
        Conditions.Set(status.Conditions, ConditionTypes.Synced, "True", "Synced", $"last sync {lastSync}", group.Metadata.Generation, time);
        if (k8s.KubernetesJson.Serialize(status) != before)
        {
            await api.ReplaceStatusAsync(group.WithStatus<SecretGroup>(status), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Condition KeysShadowed (True) while two sources yield one key name: the sync goes on with the winner's value, as
    /// External Secrets Operator's does, but says so (and a Warning Event when it starts or changes).
    /// </summary>
    private void SetShadowed(SecretGroup group, IList<V1Condition> conditions, IReadOnlyList<ShadowedKey> shadowed)
    {
        if (shadowed.Count == 0)
        {
            if (Conditions.Find(conditions, ConditionTypes.KeysShadowed) is { } stale)
            {
                conditions.Remove(stale);
            }

            return;
        }

        var list = string.Join("; ", shadowed.Take(10).Select(s => $"key '{s.Key}' of {s.Loser} is shadowed by {s.Winner}"));
        var message = $"{list}{(shadowed.Count > 10 ? $" and {shadowed.Count - 10} more" : "")} (spec.secrets wins, then the later dataFrom entry)";
        var news = Conditions.Find(conditions, ConditionTypes.KeysShadowed)?.Message != message;
        Conditions.Set(conditions, ConditionTypes.KeysShadowed, "True", "KeyCollision", message, group.Metadata.Generation, time);
        if (news)
        {
            events.Record(group, EventSeverity.Warning, "KeyCollision", "Sync", message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Namespace}/{Group} wrote Secret {Secret} with {KeyCount} keys")]
    private static partial void LogSecretWritten(ILogger logger, string @namespace, string group, string secret, int keyCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Group {Namespace}/{Group} is {Detail}")]
    private static partial void LogWaiting(ILogger logger, string @namespace, string group, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group {Namespace}/{Group} not synced: {Reason}: {Detail}")]
    private static partial void LogSyncFailed(ILogger logger, string @namespace, string group, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Group {Namespace}/{Group} still not synced: {Reason}")]
    private static partial void LogStillFailing(ILogger logger, string @namespace, string group, string reason);
}
