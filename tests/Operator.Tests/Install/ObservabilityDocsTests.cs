using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Operator.Tests.Manifests;

namespace Operator.Tests.Install;

public sealed partial class ObservabilityDocsTests
{
    private static HashSet<string> ReadmeMetrics() =>
        [.. ReadmeRow().Matches(File.ReadAllText(RepositoryRoot.File("README.md"))).Select(m => m.Groups[1].Value)];

    [Fact]
    public void Readme_ListsTheMetricsTheOperatorExports()
    {
        Assert.Equal(
            ["operator_idle_heap_trims_total", "operator_last_sync_age_seconds", "operator_leader", "operator_managed_secrets", "operator_reconcile_duration_seconds", "operator_reconcile_total",
             "operator_store_errors_total", "operator_store_request_duration_seconds", "operator_store_requests_total", "operator_workqueue_depth", "operator_workqueue_retries_total",
             "secretgroup_shared_read_bytes", "secretgroup_shared_read_entries", "secretgroup_shared_read_evictions_total", "secretgroup_shared_reads_total",
             "secretgroup_store_calls_per_sync", "secretgroup_store_calls_total"],
            ReadmeMetrics().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GrafanaDashboard_QueriesOnlyListedMetrics_AndEveryOneOfThem()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("deploy/grafana/secretgroup-operator.json")))!;
        var queried = dashboard["panels"]!.AsArray()
            .SelectMany(p => p!["targets"]!.AsArray().Select(t => (string)t!["expr"]!))
            .SelectMany(e => MetricName().Matches(e).Select(m => Regex.Replace(m.Value, "_(bucket|sum|count)$", "")))
            .ToHashSet();

        Assert.Subset(ReadmeMetrics(), queried);
        Assert.Superset(ReadmeMetrics(), queried);
    }

    [GeneratedRegex(@"^\| `((?:operator|secretgroup)_[a-z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ReadmeRow();

    [GeneratedRegex(@"(?:operator|secretgroup)_[a-z_]+")]
    private static partial Regex MetricName();
}
