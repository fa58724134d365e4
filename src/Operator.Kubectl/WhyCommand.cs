using Operator.Controllers;
using Operator.Entities.V1Alpha1;

namespace Operator.Kubectl;

/// <summary><c>kubectl secretgroup why &lt;group&gt;</c>: where the group stands, its conditions and its last Events in plain words.</summary>
public static class WhyCommand
{
    /// <summary>How many Events it shows at most (the newest).</summary>
    public const int MaxEvents = 10;

    public static async Task<int> RunAsync(PluginArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var name = args.OnlyOperand("group");
        using var cluster = Cluster.Connect(args);
        var ns = cluster.NamespaceFor(args);
        var group = await cluster.GroupAsync(ns, name, cancellationToken).ConfigureAwait(false);
        var events = await cluster.EventsAboutAsync(group, cancellationToken).ConfigureAwait(false);
        foreach (var line in Explain(group, events, DateTime.UtcNow))
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>The lines <c>why</c> prints.</summary>
    public static IEnumerable<string> Explain(SecretGroup group, IReadOnlyList<k8s.Models.Eventsv1Event> events, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(events);
        var s = group.Status;
        var fqn = s?.Fqn is null ? "" : $" ({s.Fqn})";
        var ready = Words.Condition(s?.Conditions, ConditionTypes.Ready);
        yield return ready switch
        {
            null => $"SecretGroup {group.Metadata.NamespaceProperty}/{group.Metadata.Name}{fqn} has not been looked at by the operator yet.",
            _ => $"SecretGroup {group.Metadata.NamespaceProperty}/{group.Metadata.Name}{fqn} is {Words.Sentence(ready, now)}.",
        };
        if (s?.ObservedGeneration is { } observed && observed < (group.Metadata.Generation ?? 0))
        {
            yield return $"The operator has not seen its latest spec yet (generation {group.Metadata.Generation}, observed {observed}).";
        }

        if (s?.LastSyncTime is not null)
        {
            yield return $"Last sync {Words.Ago(s.LastSyncTime, now)}: {s.KeyCount ?? 0} keys into Secret {s.SecretName}; "
                + $"{(s.DataChangeTime is null ? "data not changed since the first sync" : $"data last changed {Words.Ago(s.DataChangeTime, now)}")}; next sync {StatusCommand.NextSync(group, now)}";
        }

        if (s?.Conditions is { Count: > 0 } conditions)
        {
            yield return "Conditions:";
            foreach (var c in conditions.OrderBy(c => c.LastTransitionTime))
            {
                yield return $"  {Words.Sentence(c, now)}";
            }
        }

        if (events.Count == 0)
        {
            yield return "No Events about it (Events expire after an hour on most clusters).";
            yield break;
        }

        yield return $"Events, oldest first (the last {Math.Min(MaxEvents, events.Count)}):";
        foreach (var e in events.TakeLast(MaxEvents))
        {
            var count = e.Series?.Count ?? e.DeprecatedCount ?? 1;
            var times = count > 1 ? $" ({count} times)" : "";
            yield return $"  {Words.Ago(Cluster.LastSeen(e), now)}: {e.Type} {e.Reason}{times}: {e.Note}";
        }
    }
}
