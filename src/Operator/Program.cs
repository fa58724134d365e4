using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Operator.Hosting;
using Operator.Manifests;
using Operator.Observability;
using Operator.Runtime;

namespace Operator;

/// <summary>Entry point: <c>generate-manifests</c>, or run the operator against the current kubeconfig / in-cluster config.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "generate-manifests")
        {
            return ManifestCommand.Run(args);
        }

        var app = CreateApplication(args);
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OperatorOptions>>().Value;
        if (options.InstallCrds)
        {
            await CrdInstaller.InstallAsync(app.Services.GetRequiredService<IKubernetes>(), CancellationToken.None).ConfigureAwait(false);
        }

        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// The web host: operator services, /healthz and /readyz on <c>--health-port</c> (default 8081), Prometheus
    /// /metrics on <c>--metrics-port</c> (default 8080). <paramref name="configure"/> lets tests swap services.
    /// </summary>
    public static WebApplication CreateApplication(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(CommandLine.Normalize(args));
        var inCluster = KubernetesClientConfiguration.IsInCluster();
        builder.Logging.ClearProviders();

        // JSON in the cluster, plain text on a laptop; --log-format says otherwise.
        if (builder.Configuration.GetValue("LogFormat", inCluster ? "json" : "text") == "json")
        {
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
            });
        }

        var host = inCluster ? "0.0.0.0" : "127.0.0.1";
        var healthPort = builder.Configuration.GetValue("HealthPort", 8081);
        var metricsPort = builder.Configuration.GetValue("MetricsPort", 8080);
        builder.WebHost.UseUrls($"http://{host}:{healthPort}", $"http://{host}:{metricsPort}");
        builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()));
        builder.Services.AddSecretGroupOperator(builder.Configuration);
        builder.Services.AddPrometheusMetrics();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UsePrometheusMetrics(metricsPort);
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", (IOperatorHealth health) => health.CachesSynced ? Results.Text("ok") : Results.Text("caches not synced", statusCode: 503));
        return app;
    }
}
