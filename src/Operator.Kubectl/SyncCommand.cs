using System.Globalization;
using System.Text.Json;
using k8s.Models;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Kubectl;

/// <summary>
/// <c>kubectl secretgroup sync &lt;group&gt;</c>: sets <c>secrets.tfy.dev/force-sync</c> to a new value (the operator
/// syncs once for each new value, as ESO's force-sync) and waits until status records a sync of that value, or a
/// failure newer than the request.
/// </summary>
public static class SyncCommand
{
    // Between two reads of the group while waiting: a person is waiting, the API server is not burdened by 2 GETs/s.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public static async Task<int> RunAsync(PluginArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var name = args.OnlyOperand("group");
        using var cluster = Cluster.Connect(args);
        var ns = cluster.NamespaceFor(args);
        await cluster.GroupAsync(ns, name, cancellationToken).ConfigureAwait(false);

        // Whole seconds: status and Event times have no finer grain, so "newer than the request" compares like with like.
        var requested = SyncSchedule.WholeSeconds(DateTime.UtcNow);
        var value = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var patch = JsonSerializer.Serialize(new { metadata = new { annotations = new Dictionary<string, string> { [ManagedLabels.ForceSync] = value } } });
        var patched = await cluster.Groups.PatchAsync(new ObjectKey(ns, name), new V1Patch(patch, V1Patch.PatchType.MergePatch), cancellationToken).ConfigureAwait(false);
        var stamp = SyncSchedule.AnnotationsStamp(patched);
        await output.WriteLineAsync($"secretgroup {ns}/{name}: asked for a sync ({ManagedLabels.ForceSync}={value}); waiting up to {Words.Span(args.Timeout)} ...").ConfigureAwait(false);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(args.Timeout);
        SecretGroup group = patched;
        try
        {
            while (true)
            {
                group = await cluster.GroupAsync(ns, name, timeout.Token).ConfigureAwait(false);
                var ready = Words.Condition(group.Status?.Conditions, ConditionTypes.Ready);
                if (group.Status?.SyncedInputs?.Annotations == stamp && ready?.Status == Conditions.True)
                {
                    await output.WriteLineAsync(Synced(group, ns)).ConfigureAwait(false);
                    return 0;
                }

                if (ready?.Status == Conditions.False && await FailedSinceAsync(cluster, group, ready, requested, timeout.Token).ConfigureAwait(false))
                {
                    await output.WriteLineAsync($"secretgroup {ns}/{name}: the sync failed: {ready.Reason}: {ready.Message}").ConfigureAwait(false);
                    return 1;
                }

                await Task.Delay(Poll, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var ready = Words.Condition(group.Status?.Conditions, ConditionTypes.Ready);
            var state = ready is null ? "no Ready condition yet" : Words.Sentence(ready, DateTime.UtcNow);
            await output.WriteLineAsync($"secretgroup {ns}/{name}: no result within {Words.Span(args.Timeout)} (is the operator running?); now {state}").ConfigureAwait(false);
            return 1;
        }
    }

    private static string Synced(SecretGroup group, string ns)
    {
        var s = group.Status!;
        var changed = s.DataChangeTime is not null && s.DataChangeTime == s.LastSyncTime ? "data changed" : "data unchanged";
        return $"secretgroup {ns}/{group.Metadata.Name}: synced {s.KeyCount ?? 0} keys into Secret {s.SecretName} ({changed}) at {Stamp(s.LastSyncTime)}";
    }

    // A failure is this request's when Ready turned False, or a Warning Event came, at or after the request.
    private static async Task<bool> FailedSinceAsync(Cluster cluster, SecretGroup group, V1Condition ready, DateTime requested, CancellationToken cancellationToken)
    {
        if (ready.LastTransitionTime is { } t && DateTime.SpecifyKind(t, DateTimeKind.Utc) >= requested)
        {
            return true;
        }

        var events = await cluster.EventsAboutAsync(group, cancellationToken).ConfigureAwait(false);
        return events.Any(e => e.Type == "Warning" && Cluster.LastSeen(e) >= requested);
    }

    private static string Stamp(DateTime? t) =>
        t is null ? "-" : DateTime.SpecifyKind(t.Value, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
