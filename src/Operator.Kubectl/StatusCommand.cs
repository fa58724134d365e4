using Operator.Controllers;
using Operator.Entities.V1Alpha1;

namespace Operator.Kubectl;

/// <summary><c>kubectl secretgroup status</c>: one line per group with readiness, reason, last and next sync.</summary>
public static class StatusCommand
{
    public static async Task<int> RunAsync(PluginArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Operands.Count > 0)
        {
            throw new PluginUsageException("status takes no operands; use -n NAMESPACE or -A");
        }

        using var cluster = Cluster.Connect(args);
        var ns = args.AllNamespaces ? null : cluster.NamespaceFor(args);
        var groups = await cluster.Groups.ListAsync(ns, null, cancellationToken).ConfigureAwait(false);
        if (groups.Count == 0)
        {
            await output.WriteLineAsync(ns is null ? "No SecretGroups found." : $"No SecretGroups found in namespace {ns}.").ConfigureAwait(false);
            return 0;
        }

        var now = DateTime.UtcNow;
        var rows = groups
            .OrderBy(g => g.Metadata.NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(g => g.Metadata.Name, StringComparer.Ordinal)
            .Select(g => Row(g, now, withNamespace: ns is null))
            .Prepend(Header(ns is null))
            .ToList();
        await output.WriteAsync(Table(rows)).ConfigureAwait(false);
        return 0;
    }

    /// <summary>When the group syncs next, in words: a time, or why it does not refresh by itself.</summary>
    public static string NextSync(SecretGroup group, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.Status?.NextSyncTime is { } next)
        {
            return Words.Until(next, now);
        }

        return group.Spec.RefreshPolicy switch
        {
            SecretGroupSpec.CreatedOnce => "never (CreatedOnce)",
            _ when group.Status?.LastSyncTime is null => "pending",
            _ => "on change",
        };
    }

    private static string[] Header(bool withNamespace) =>
        withNamespace
            ? ["NAMESPACE", "NAME", "READY", "REASON", "LAST SYNC", "NEXT SYNC", "KEYS"]
            : ["NAME", "READY", "REASON", "LAST SYNC", "NEXT SYNC", "KEYS"];

    private static string[] Row(SecretGroup g, DateTime now, bool withNamespace)
    {
        var ready = Words.Condition(g.Status?.Conditions, ConditionTypes.Ready);
        string[] cells =
        [
            g.Metadata.Name,
            ready?.Status ?? "Unknown",
            ready?.Reason ?? "-",
            Words.Ago(g.Status?.LastSyncTime, now),
            NextSync(g, now),
            g.Status?.KeyCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
        ];
        return withNamespace ? [g.Metadata.NamespaceProperty, .. cells] : cells;
    }

    /// <summary>Columns padded to their widest cell, three spaces apart, as kubectl prints.</summary>
    public static string Table(IReadOnlyList<string[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var lines = rows.Select(r => string.Join("   ", r.Select((cell, i) => i == r.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        return string.Join('\n', lines) + "\n";
    }
}
