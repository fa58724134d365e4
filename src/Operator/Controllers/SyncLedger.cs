using System.Collections.Concurrent;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>
/// The last successful sync of a group, as this process saw it. <see cref="Keys"/> is null once status holds them,
/// so the per-key status (the largest part of a group) is not kept twice.
/// </summary>
public sealed record SyncRecord(
    string Uid,
    long Generation,
    string IntegrationStamp,
    string SecretName,
    string DataHash,
    DateTime LastSync,
    DateTime NextSync,
    IReadOnlyList<SecretKeyStatus>? Keys,
    string AliasStamp = "",
    string? ApiStamp = null);

/// <summary>
/// In-memory record of the last sync per group. The informer cache may lag behind our own status write; the
/// ledger keeps a just-synced group from being read from the store again because of that lag.
/// </summary>
public sealed class SyncLedger
{
    private readonly ConcurrentDictionary<ObjectKey, SyncRecord> records = new();

    /// <summary>The record of <paramref name="key"/> if it belongs to object <paramref name="uid"/> (or to any object when <paramref name="any"/>).</summary>
    public SyncRecord? Get(ObjectKey key, string? uid, bool any = false) => records.TryGetValue(key, out var r) && (any || r.Uid == uid) ? r : null;

    public void Set(ObjectKey key, SyncRecord record) => records[key] = record;

    public void Remove(ObjectKey key) => records.TryRemove(key, out _);

    /// <summary>The earliest last-sync time over all recorded groups (for the sync-age metric); null when none.</summary>
    public DateTime? OldestLastSync() => records.IsEmpty ? null : records.Values.Min(r => r.LastSync);
}
