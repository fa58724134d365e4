using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>
/// When a group is due, decided from its status alone: the inputs the last sync recorded still hold, the same Secret
/// is targeted and <c>nextSyncTime</c> has not come. (Whether the Secret is still intact is asked separately.)
/// </summary>
public static class SyncSchedule
{
    /// <summary>Largest share added to the refresh interval so groups created together spread out.</summary>
    public const double MaxJitter = 0.03;

    /// <summary>Annotations whose change asks for a sync at once: force-sync (users, Argo CD), and the REST API's stamp of its value writes.</summary>
    public static IReadOnlyList<string> ForceSyncAnnotations { get; } = [ManagedLabels.ForceSync, ManagedLabels.ApiUpdatedAt];

    /// <summary>A stamp of the group's <see cref="ForceSyncAnnotations"/>; empty when it has none.</summary>
    public static string AnnotationsStamp(SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var present = ForceSyncAnnotations
            .Select(a => group.Metadata.Annotations?.TryGetValue(a, out var value) == true ? $"{a}={value}" : null)
            .OfType<string>()
            .ToList();
        return present.Count == 0 ? "" : Hashes.Digest(string.Join("\n", present));
    }

    /// <summary>The recorded next sync when the group is not due at <paramref name="now"/> by its status; null when it is due.</summary>
    public static DateTime? NotDueUntil(SecretGroup group, ResolvedGroup resolved, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(resolved);
        var s = group.Status;
        var never = resolved.Interval == TimeSpan.Zero;

        // CreatedOnce: synced once, a group is due again only for a new Secret name or a force-sync (and when its Secret
        // is no longer intact, which the caller asks).
        if (group.Spec.RefreshPolicy == SecretGroupSpec.CreatedOnce && s?.SyncedInputs is not null && s.DataHash is not null
            && s.SecretName == resolved.SecretName && s.SyncedInputs.Annotations == resolved.Inputs.Annotations)
        {
            return Never;
        }

        if (s?.SyncedInputs is null || (s.NextSyncTime is null && !never) || s.DataHash is null || s.SecretName != resolved.SecretName || s.SyncedInputs != resolved.Inputs)
        {
            return null;
        }

        var next = never ? Never : DateTime.SpecifyKind(s.NextSyncTime!.Value, DateTimeKind.Utc);
        return now < next ? next : null;
    }

    /// <summary>The next sync of a group whose refresh interval is 0 (no periodic refresh); shown as no <c>nextSyncTime</c>.</summary>
    public static DateTime Never => DateTime.MaxValue;

    /// <summary>The next sync after one at <paramref name="now"/>: the interval plus up to <see cref="MaxJitter"/>, in whole seconds; <see cref="Never"/> for 0.</summary>
    public static DateTime Next(DateTime now, TimeSpan interval) =>
        interval == TimeSpan.Zero ? Never : WholeSeconds(now + (interval * (1 + (Random.Shared.NextDouble() * MaxJitter))));

    /// <summary>Requeue at the next sync; none when periodic refresh is off.</summary>
    public static ReconcileResult RequeueFor(DateTime next, DateTime now) =>
        next == Never ? ReconcileResult.Done : ReconcileResult.RequeueIn(next > now ? next - now : TimeSpan.Zero);

    /// <summary>
    /// Status times travel as RFC 3339 text with at most microseconds; whole seconds survive the round trip, so an
    /// operator restarted from status rebuilds byte-identical status and writes nothing (make bench: restart window).
    /// </summary>
    public static DateTime WholeSeconds(DateTime t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
