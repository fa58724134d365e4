using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.Hosting;
using Operator.Runtime;
using Operator.Testing;
using Operator.Testing.Kube;

namespace Operator.IntegrationTests;

/// <summary>The real web host (Program.CreateApplication) against the API emulator, scraped over HTTP.</summary>
/// <remarks>
/// The exporter collects every meter of its name in the process, so other tests' operators (the chaos test's 200 managed
/// Secrets) would show in its gauges: it runs alone.
/// </remarks>
[Collection(nameof(ProcessWideMetrics))]
public sealed class MetricsEndpointTests
{
    private const string Canary = "canary-VALUE-7f3c9e1a";
    private const string Source = "store-src";
    private const string Ns = "team-m";

    [Fact]
    public async Task Metrics_AfterASync_ExposeEveryOperatorMetric_OnTheMetricsPortOnly_WithoutSecretValues()
    {
        await using var emulator = await KubeApiEmulator.StartAsync();
        var client = emulator.CreateClient();
        await CrdInstaller.InstallAsync(client, CancellationToken.None);
        foreach (var ns in new[] { Source, Ns })
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        }

        await client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "acme.payments", NamespaceProperty = Source }, Data = new Dictionary<string, byte[]> { ["API_KEY"] = Encoding.UTF8.GetBytes(Canary) } },
            Source);
        await new ResourceClient<SecretStoreIntegration>(client).CreateAsync(
            new SecretStoreIntegration
            {
                Metadata = new V1ObjectMeta { Name = "k8s-store" },
                Spec = new SecretStoreIntegrationSpec { ProviderAccount = "local", Kubernetes = new KubernetesStoreSpec { SourceNamespace = Source } },
            },
            CancellationToken.None);

        var (healthPort, metricsPort) = (LoopbackPorts.Free(), LoopbackPorts.Free());
        await using var app = Program.CreateApplication(
            ["--tenant=acme", "--leader-elect=false", "--log-format=text", $"--health-port={healthPort}", $"--metrics-port={metricsPort}"],
            builder => builder.Services.AddSingleton(client));
        await app.StartAsync(TestContext.Current.CancellationToken);

        var integrations = new ResourceClient<SecretStoreIntegration>(client);
        await OperatorHarness.WaitForAsync(
            async () => (await integrations.GetAsync(new ObjectKey(null, "k8s-store"), CancellationToken.None))?.Status?.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) == true,
            "integration Ready");

        // One failed store read: counted as a store error, and the group is retried with backoff.
        emulator.Faults.FailNext(1, 503, r => r.Method == "GET" && r.Path.StartsWith($"/api/v1/namespaces/{Source}/secrets", StringComparison.Ordinal));
        await new ResourceClient<SecretGroup>(client).CreateAsync(
            new SecretGroup
            {
                Metadata = new V1ObjectMeta { Name = "payments", NamespaceProperty = Ns },
                Spec = new SecretGroupSpec { IntegrationFqn = "acme:kubernetes:local:secret-store:k8s-store", Secrets = [new SecretKeySpec { Key = "API_KEY" }] },
            },
            CancellationToken.None);
        var groups = new ResourceClient<SecretGroup>(client);

        // A failure retrying cannot fix (a key aliasing itself): counted as terminal, not as a success.
        await groups.CreateAsync(
            new SecretGroup
            {
                Metadata = new V1ObjectMeta { Name = "loop", NamespaceProperty = Ns },
                Spec = new SecretGroupSpec { IntegrationFqn = "acme:kubernetes:local:secret-store:k8s-store", Secrets = [new SecretKeySpec { Key = "K", RemoteRef = "tfy-secret://acme:loop:K" }] },
            },
            CancellationToken.None);
        await OperatorHarness.WaitForAsync(
            async () => (await groups.GetAsync(new ObjectKey(Ns, "payments"), CancellationToken.None))?.Status?.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) == true,
            "group Ready after one failed read");

        using var http = new HttpClient();
        string[] names =
        [
            "operator_reconcile_total{", "operator_reconcile_duration_seconds_bucket{", "operator_workqueue_depth{",
            "operator_workqueue_retries_total{", "operator_store_requests_total{", "operator_store_errors_total{",
            "operator_store_request_duration_seconds_bucket{", "operator_managed_secrets{", "operator_leader{", "operator_last_sync_age_seconds{",
            "secretgroup_store_calls_total{", "secretgroup_store_calls_per_sync_bucket{",
        ];

        // The exporter caches a scrape briefly and observable gauges report on collection: scrape until they show up.
        var metrics = "";
        await OperatorHarness.WaitForAsync(
            async () =>
            {
                metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"), TestContext.Current.CancellationToken);
                return names.All(n => metrics.Contains(n, StringComparison.Ordinal))
                    && metrics.Contains("outcome=\"terminal\"", StringComparison.Ordinal)
                    && System.Text.RegularExpressions.Regex.IsMatch(metrics, "(?m)^operator_managed_secrets\\{[^}]*\\} 1$");
            },
            "every metric in a scrape",
            () => metrics);
        Assert.All(names, name => Assert.Contains(name, metrics, StringComparison.Ordinal));
        Assert.Contains("# TYPE operator_reconcile_total counter", metrics, StringComparison.Ordinal);
        Assert.Matches("operator_store_requests_total\\{[^}]*operation=\"read_many\"[^}]*provider=\"kubernetes\"|operator_store_requests_total\\{[^}]*provider=\"kubernetes\"[^}]*operation=\"read_many\"", metrics);
        Assert.Matches("operator_store_errors_total\\{[^}]*reason=\"Unavailable\"", metrics);
        Assert.Matches("operator_reconcile_total\\{[^}]*controller=\"SecretGroup\"[^}]*outcome=\"error\"", metrics);
        Assert.Matches("operator_reconcile_total\\{[^}]*controller=\"SecretGroup\"[^}]*outcome=\"terminal\"", metrics);
        Assert.Matches("(?m)^operator_managed_secrets\\{[^}]*\\} 1$", metrics);

        // Cost by integration and namespace: the group's two reads (one failed, one retried) charged to its namespace.
        Assert.Matches($"(?m)^secretgroup_store_calls_total\\{{[^}}]*integration=\"k8s-store\"[^}}]*namespace=\"{Ns}\"[^}}]*\\}} 2$", metrics);
        Assert.Matches("(?m)^secretgroup_store_calls_per_sync_bucket\\{[^}]*integration=\"k8s-store\"[^}]*le=\"1\"[^}]*\\} [1-9]", metrics);

        // Bounded labels: no value, and no group or path label; a namespace only as that counter's bounded label.
        Assert.DoesNotContain(Canary, metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("payments", metrics, StringComparison.Ordinal);
        Assert.All(metrics.Split('\n').Where(l => l.Contains(Ns, StringComparison.Ordinal)), l => Assert.StartsWith("secretgroup_store_calls_total{", l, StringComparison.Ordinal));

        // The health port answers probes and not /metrics; the metrics port answers nothing else.
        Assert.Equal("ok", await http.GetStringAsync(new Uri($"http://127.0.0.1:{healthPort}/healthz"), TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://127.0.0.1:{healthPort}/readyz"), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri($"http://127.0.0.1:{healthPort}/metrics"), TestContext.Current.CancellationToken)).StatusCode);

        await app.StopAsync(TestContext.Current.CancellationToken);
    }
}

/// <summary>Runs alone, after the parallel tests: meters are process-wide, and a scrape must see one operator's.</summary>
[CollectionDefinition(nameof(ProcessWideMetrics), DisableParallelization = true)]
public sealed class ProcessWideMetrics;
