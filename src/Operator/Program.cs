using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Operator.Hosting;
using Operator.Manifests;
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

    /// <summary>The web host: operator services plus /healthz and /readyz on <c>--health-port</c> (default 8081).</summary>
    public static WebApplication CreateApplication(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(CommandLine.Normalize(args));
        var inCluster = KubernetesClientConfiguration.IsInCluster();
        builder.Logging.ClearProviders();
        if (inCluster || builder.Configuration.GetValue("LogFormat", "text") == "json")
        {
            builder.Logging.AddJsonConsole();
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }

        var port = builder.Configuration.GetValue("HealthPort", 8081);
        builder.WebHost.UseUrls($"http://{(inCluster ? "0.0.0.0" : "127.0.0.1")}:{port}");
        builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig()));
        builder.Services.AddSecretGroupOperator(builder.Configuration);

        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", (IOperatorHealth health) => health.CachesSynced ? Results.Text("ok") : Results.Text("caches not synced", statusCode: 503));
        return app;
    }
}
