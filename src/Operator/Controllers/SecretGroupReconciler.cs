using System.Globalization;
using System.Text;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.Credentials;
using Operator.Entities.V1Alpha1;
using Operator.Observability;
using Operator.References;
using Operator.Runtime;
using Operator.Stores;
using Operator.Workloads;

namespace Operator.Controllers;

/// <summary>Syncs a group's keys from its integration's store into the managed Secret.</summary>
public sealed partial class SecretGroupReconciler(
    IntegrationDirectory directory,
    StoreConnector connector,
    ManagedSecretWriter writer,
    IResourceCache<V1Secret> managedSecrets,
    ResourceClient<SecretGroup> api,
    SyncLedger ledger,
    GroupDirectory groups,
    AliasResolver aliases,
    GroupRbacWriter rbac,
    IControllerQueue<SecretGroup> queue,
    IEventRecorder events,
    IOptions<TenancyOptions> options,
    IOptions<SyncOptions> sync,
    TimeProvider time,
    IRolloutTrigger rollouts,
    ILogger<SecretGroupReconciler> logger) : IReconciler<SecretGroup>
{
    /// <summary>Largest share added to the refresh interval so groups created together spread out.</summary>
    internal const double MaxJitter = 0.03;

    public async Task<ReconcileResult> ReconcileAsync(SecretGroup entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var logScope = LogScopes.ForGroup(logger, entity);
        if (entity.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var key = ObjectKey.From(entity);
        var tenant = options.Value.Tenant;
        var secretName = entity.Spec.Target?.Name ?? entity.Metadata.Name;

        // Collaborators → RBAC first: who may see the group does not depend on whether its store answers.
        await rbac.ApplyAsync(entity, secretName, options.Value.TenantAdmins, cancellationToken).ConfigureAwait(false);

        var owner = groups.OwnerOf(entity.Metadata.Name);
        if (owner is not null && owner.Metadata.Uid != entity.Metadata.Uid)
        {
            return await FailAsync(entity, "FqnConflict", $"group FQN '{tenant}:{entity.Metadata.Name}' is already used by the older SecretGroup in namespace '{owner.Metadata.NamespaceProperty}'; rename this group", retry: false, cancellationToken).ConfigureAwait(false);
        }

        if (!ReferenceParser.TryParseIntegrationFqn(entity.Spec.IntegrationFqn, "spec.integrationFqn", out var fqn, out var fqnError))
        {
            return await FailAsync(entity, "InvalidSpec", fqnError!, retry: false, cancellationToken).ConfigureAwait(false);
        }

        if (fqn!.Tenant != tenant)
        {
            return await FailAsync(entity, "InvalidSpec", $"spec.integrationFqn: tenant '{fqn.Tenant}' is not this installation's tenant '{tenant}'", retry: false, cancellationToken).ConfigureAwait(false);
        }

        var integration = directory.Find(fqn);
        if (integration is null)
        {
            return await FailAsync(entity, "IntegrationNotFound", $"spec.integrationFqn: no SecretStoreIntegration has FQN '{fqn}'", retry: false, cancellationToken).ConfigureAwait(false);
        }

        if (!Conditions.IsTrue(integration.Status?.Conditions, ConditionTypes.Ready) || integration.Status?.ObservedGeneration != integration.Metadata.Generation)
        {
            return await FailAsync(entity, "IntegrationNotReady", $"integration '{fqn}' is not Ready; see kubectl get ssi {integration.Metadata.Name}", retry: false, cancellationToken).ConfigureAwait(false);
        }

        var denied = AccessRules.CheckNamespace(integration, entity.Metadata.NamespaceProperty);
        if (denied is not null)
        {
            return await FailAsync(entity, "AccessDenied", denied, retry: false, cancellationToken).ConfigureAwait(false);
        }

        var interval = RefreshInterval(entity, integration);
        var integrationStamp = $"{integration.Metadata.Uid}/{integration.Metadata.Generation}";
        var aliasStamp = groups.AliasStamp(entity, tenant);
        var now = time.GetUtcNow().UtcDateTime;
        var record = ledger.Get(key, entity.Metadata.Uid) ?? RecordFromStatus(entity, integrationStamp, aliasStamp);
        if (record is not null
            && record.Generation == entity.Metadata.Generation
            && record.IntegrationStamp == integrationStamp
            && record.AliasStamp == aliasStamp
            && record.SecretName == secretName
            && now < record.NextSync
            && record.ApiStamp == ApiStampOf(entity)
            && await ManagedSecretIntactAsync(entity, secretName, record.DataHash, cancellationToken).ConfigureAwait(false))
        {
            ledger.Set(key, record);
            await WriteStatusAsync(entity, record, fqn, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.RequeueIn(record.NextSync - now);
        }

        if (entity.Status?.ObservedGeneration != entity.Metadata.Generation)
        {
            // A spec change (e.g. sharedWithNamespaces) may open or close aliases: let aliasing groups look again, once
            // per generation (status records it below), so groups that alias each other cannot requeue each other forever.
            EnqueueAliasing(entity, tenant);
        }

        ISecretStore store;
        try
        {
            store = await connector.ConnectAsync(integration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CredentialException or SecretStoreException)
        {
            return await FailAsync(entity, e is SecretStoreException s ? s.Reason : ((CredentialException)e).Reason, e.Message, retry: true, cancellationToken).ConfigureAwait(false);
        }

        var (sources, planError) = GroupPlan.Build(entity, fqn, store, tenant);
        if (planError is not null)
        {
            return await FailAsync(entity, planError.Reason, planError.Message, retry: false, cancellationToken).ConfigureAwait(false);
        }

        var pathDenied = AccessRules.CheckPaths(integration, sources, store, new GroupFqn(tenant, entity.Metadata.Name));
        if (pathDenied is not null)
        {
            return await FailAsync(entity, "AccessDenied", pathDenied, retry: false, cancellationToken).ConfigureAwait(false);
        }

        var values = new Dictionary<string, StoreValue>(StringComparer.Ordinal);
        try
        {
            foreach (var (path, value) in await ReadAllAsync(store, sources.Where(s => s.Alias is null).ToList(), cancellationToken).ConfigureAwait(false))
            {
                values[path] = value;
            }
        }
        catch (SecretStoreException e)
        {
            return await FailAsync(entity, e.Reason, $"reading from '{fqn}' failed: {e.Message}; the managed Secret is unchanged", retry: true, cancellationToken).ConfigureAwait(false);
        }

        var (aliasValues, aliasError, aliasRetry) = await aliases.ResolveAsync(entity, sources.Where(s => s.Alias is not null), cancellationToken).ConfigureAwait(false);
        if (aliasError is not null)
        {
            return await FailAsync(entity, aliasError.Reason, aliasError.Message + "; the managed Secret is unchanged", aliasRetry, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (reference, value) in aliasValues)
        {
            values[reference] = value;
        }

        var missing = sources.Where(s => !values.ContainsKey(ValueKey(s))).ToList();
        if (missing.Count > 0)
        {
            var list = string.Join(", ", missing.Take(10).Select(m => $"{m.Key} ({m.Path})"));
            return await FailAsync(entity, "SecretNotFound", $"not found in '{fqn}': {list}{(missing.Count > 10 ? $" and {missing.Count - 10} more" : "")}; the managed Secret is unchanged", retry: true, cancellationToken).ConfigureAwait(false);
        }

        var data = sources.ToDictionary(s => s.Key, s => values[ValueKey(s)].Value.ToArray(), StringComparer.Ordinal);
        bool written;
        string hash;
        try
        {
            var cached = managedSecrets.Get(new ObjectKey(entity.Metadata.NamespaceProperty, secretName));
            (written, hash) = await writer.ApplyAsync(entity, secretName, data, cached, cancellationToken).ConfigureAwait(false);
            await writer.DeleteStaleAsync(entity, managedSecrets.ByIndex(OwnerIndex.Name, entity.Metadata.Uid ?? ""), secretName, cancellationToken).ConfigureAwait(false);
        }
        catch (ManagedSecretException e)
        {
            return await FailAsync(entity, e.Reason, e.Message, retry: true, cancellationToken).ConfigureAwait(false);
        }

        var syncedAt = WholeSeconds(now);
        var next = WholeSeconds(now + (interval * (1 + (Random.Shared.NextDouble() * MaxJitter))));
        var keys = sources.Select(s => new SecretKeyStatus
        {
            Key = s.Key,
            Fqn = new SecretFqn(tenant, entity.Metadata.Name, s.Key).ToString(),
            RemoteRef = s.RemoteRef,
            Version = values[ValueKey(s)].Version,
        }).ToList();
        var synced = new SyncRecord(entity.Metadata.Uid ?? "", entity.Metadata.Generation ?? 0, integrationStamp, secretName, hash, syncedAt, next, keys, aliasStamp, ApiStampOf(entity));
        ledger.Set(key, synced);
        if (written)
        {
            events.Record(entity, EventSeverity.Normal, "Synced", "Sync", $"wrote Secret {secretName} with {keys.Count} keys from {fqn}");
            LogSecretWritten(logger, key, secretName, keys.Count);
        }
        else if (entity.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "False") == true)
        {
            events.Record(entity, EventSeverity.Normal, "Recovered", "Sync", $"Secret {secretName} is in sync with {fqn} again; its data did not change");
        }

        // Workloads annotated secrets.tfy.dev/reload roll on a change of data, not on the first sync.
        if (written && (record?.DataHash ?? entity.Status?.DataHash) is { } previousHash && previousHash != hash)
        {
            await rollouts.OnGroupDataChangedAsync(entity, previousHash, hash, cancellationToken).ConfigureAwait(false);
        }

        if (written && (record?.DataHash ?? entity.Status?.DataHash) != hash)
        {
            // Groups that alias this one re-sync now, not at their next refresh, when the data changed (before the status
            // write, which may meet a conflict and be retried: the ledger already holds the new data).
            EnqueueAliasing(entity, tenant);
        }

        await WriteStatusAsync(entity, synced, fqn, cancellationToken).ConfigureAwait(false);

        return ReconcileResult.RequeueIn(next - now);
    }

    /// <summary>
    /// New values written through the REST API (on any replica) stamp the group; the leader sees the stamp through its
    /// watch and re-syncs at once instead of at the next refresh. The ledger keeps the stamp each sync saw.
    /// </summary>
    private static string? ApiStampOf(SecretGroup group) =>
        group.Metadata.Annotations?.TryGetValue(ManagedLabels.ApiUpdatedAt, out var stamp) == true ? stamp : null;

    /// <summary>After a restart: a stamp older than the last sync was seen by it; a newer one (or an unreadable one) was not.</summary>
    private static string? ApiStampSeenBy(SecretGroup group, DateTime lastSync) =>
        ApiStampOf(group) is not { } stamp
        || (DateTime.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) && at < lastSync)
            ? ApiStampOf(group)
            : "(not seen)";

    // Status times travel as RFC 3339 text with at most microseconds; whole seconds survive the round trip, so an
    // operator restarted from status rebuilds byte-identical status and writes nothing (make bench: restart window).
    private static DateTime WholeSeconds(DateTime t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    private static string ValueKey(KeySource source) => source.Alias?.ToString() ?? source.Path;

    public Task DeletedAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        ledger.Remove(key);

        // A newer group of the same name takes the FQN over; groups aliasing this one learn it is gone.
        foreach (var other in groups.Namesakes(key).Concat(groups.Aliasing(options.Value.Tenant, key.Name)))
        {
            queue.Enqueue(ObjectKey.From(other));
        }

        return Task.CompletedTask;
    }

    /// <summary>Requeues the groups aliasing <paramref name="entity"/>'s keys; never the group itself (a self-alias is a cycle).</summary>
    private void EnqueueAliasing(SecretGroup entity, string tenant)
    {
        foreach (var aliasing in groups.Aliasing(tenant, entity.Metadata.Name))
        {
            if (aliasing.Metadata.Uid != entity.Metadata.Uid)
            {
                queue.Enqueue(ObjectKey.From(aliasing));
            }
        }
    }

    private TimeSpan RefreshInterval(SecretGroup group, SecretStoreIntegration integration)
    {
        if (Durations.TryParse(group.Spec.RefreshInterval, out var own))
        {
            return own;
        }

        return Durations.TryParse(integration.Spec.SyncInterval, out var fromIntegration) ? fromIntegration : sync.Value.DefaultSyncInterval;
    }

    private static async Task<IReadOnlyDictionary<string, StoreValue>> ReadAllAsync(ISecretStore store, IReadOnlyList<KeySource> sources, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, StoreValue>(StringComparer.Ordinal);
        var paths = sources.Select(s => s.Path).Distinct(StringComparer.Ordinal).ToList();
        foreach (var chunk in paths.Chunk(Math.Max(1, store.Capabilities.MaxBatchSize)))
        {
            foreach (var (path, value) in await store.ReadManyAsync(chunk, cancellationToken).ConfigureAwait(false))
            {
                result[path] = value;
            }
        }

        return result;
    }

    private async Task<bool> ManagedSecretIntactAsync(SecretGroup group, string secretName, string hash, CancellationToken cancellationToken)
    {
        var cached = managedSecrets.Get(new ObjectKey(group.Metadata.NamespaceProperty, secretName));
        if (cached is not null && CachedSecrets.VerifiedHashOf(cached) == hash && ManagedSecretWriter.IsOwnedBy(cached, group))
        {
            return true;
        }

        // The cache may lag our own write; ask the API before paying for a store read.
        var live = await writer.ReadAsync(group.Metadata.NamespaceProperty, secretName, cancellationToken).ConfigureAwait(false);
        return live is not null && ManagedSecretWriter.VerifiedHashOf(live) == hash && ManagedSecretWriter.IsOwnedBy(live, group);
    }

    private static SyncRecord? RecordFromStatus(SecretGroup group, string integrationStamp, string aliasStamp)
    {
        var s = group.Status;
        if (s?.LastSyncTime is null || s.NextSyncTime is null || s.DataHash is null || s.SecretName is null || s.ObservedGeneration is null
            || !Conditions.IsTrue(s.Conditions, ConditionTypes.Ready))
        {
            return null;
        }

        // After a restart the integration stamp is unknown; a Ready status means it was synced against the current one.
        return new SyncRecord(group.Metadata.Uid ?? "", s.ObservedGeneration.Value, integrationStamp, s.SecretName, s.DataHash,
            DateTime.SpecifyKind(s.LastSyncTime.Value, DateTimeKind.Utc), DateTime.SpecifyKind(s.NextSyncTime.Value, DateTimeKind.Utc), Keys: null, aliasStamp,
            ApiStampSeenBy(group, DateTime.SpecifyKind(s.LastSyncTime.Value, DateTimeKind.Utc)));
    }

    private async Task WriteStatusAsync(SecretGroup entity, SyncRecord record, IntegrationFqn fqn, CancellationToken cancellationToken)
    {
        var status = entity.Status ?? new SecretGroupStatus();
        var before = k8s.KubernetesJson.Serialize(status);
        status.Fqn = new GroupFqn(options.Value.Tenant, entity.Metadata.Name).ToString();
        status.SecretName = record.SecretName;
        if (record.Keys is not null)
        {
            status.KeyCount = record.Keys.Count;
            status.Secrets = record.Keys.ToList();
        }

        status.DataHash = record.DataHash;
        status.LastSyncTime = record.LastSync;
        status.NextSyncTime = record.NextSync;
        status.ObservedGeneration = entity.Metadata.Generation;
        status.Conditions ??= new List<V1Condition>();
        var message = $"{status.KeyCount ?? 0} keys synced from {fqn} into Secret {record.SecretName}";
        Conditions.Set(status.Conditions, ConditionTypes.Ready, "True", "Synced", message, entity.Metadata.Generation, time);
        Conditions.Set(status.Conditions, ConditionTypes.Synced, "True", "Synced", $"last sync {record.LastSync.ToString("O", CultureInfo.InvariantCulture)}", entity.Metadata.Generation, time);
        if (k8s.KubernetesJson.Serialize(status) != before)
        {
            entity.Status = status;
            await api.ReplaceStatusAsync(entity, cancellationToken).ConfigureAwait(false);
        }

        // Status now holds the per-key list (written, or already equal): the ledger need not keep its own copy. A
        // later write from a cache that lags carries a stale resourceVersion and meets a conflict, then a fresh copy.
        if (record.Keys is not null)
        {
            ledger.Set(ObjectKey.From(entity), record with { Keys = null });
        }
    }

    /// <summary>Records a failure in status and an Event; the managed Secret is never touched here.</summary>
    private async Task<ReconcileResult> FailAsync(SecretGroup entity, string reason, string message, bool retry, CancellationToken cancellationToken)
    {
        var status = entity.Status ?? new SecretGroupStatus();
        status.Conditions ??= new List<V1Condition>();
        status.Fqn ??= new GroupFqn(options.Value.Tenant, entity.Metadata.Name).ToString();
        var changed = Conditions.Set(status.Conditions, ConditionTypes.Ready, "False", reason, message, entity.Metadata.Generation, time);
        changed |= Conditions.Set(status.Conditions, ConditionTypes.Synced, "False", reason, message, entity.Metadata.Generation, time);
        changed |= status.ObservedGeneration != entity.Metadata.Generation;
        status.ObservedGeneration = entity.Metadata.Generation;
        if (changed)
        {
            entity.Status = status;
            await api.ReplaceStatusAsync(entity, cancellationToken).ConfigureAwait(false);
        }

        // A retried failure is reported on every attempt (the backoff bounds them; repeats join one Event series). A
        // terminal one only when it is news: re-evaluating it (after its own status write, or after a restart) says nothing new.
        if (retry || changed)
        {
            events.Record(entity, EventSeverity.Warning, reason, "Sync", message);
            LogSyncFailed(logger, ObjectKey.From(entity), reason, message);
        }

        return retry ? ReconcileResult.Retry(reason) : ReconcileResult.Terminal(reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group} wrote Secret {Secret} with {KeyCount} keys")]
    private static partial void LogSecretWritten(ILogger logger, ObjectKey group, string secret, int keyCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group {Group} not synced: {Reason}: {Detail}")]
    private static partial void LogSyncFailed(ILogger logger, ObjectKey group, string reason, string detail);
}
