using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.Hosting;
using Operator.Hosting.Flags;
using Operator.Manifests;
using Operator.Observability;
using Operator.Runtime;

namespace Operator;

/// <summary>
/// Entry point: <c>--help</c>, <c>--version</c>, <c>generate-manifests</c>, or the operator. Exit codes: 0 done,
/// 1 the cluster cannot be reached or a port is taken, 2 a flag is wrong (one line each, naming it).
/// </summary>
public static class Program
{
    public const int UsageError = 2;

    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        KubernetesModelsJson.Configure();
        if (ManifestCommand.Matches(args))
        {
            return ManifestCommand.Run(args);
        }

        if (args is ["help", ..] || args.Any(a => a is "-h" or "--help"))
        {
            await Console.Out.WriteAsync(HelpText.Render()).ConfigureAwait(false);
            return 0;
        }

        if (args is ["version"] || args.Contains("--version"))
        {
            await Console.Out.WriteLineAsync(HelpText.VersionLine).ConfigureAwait(false);
            return 0;
        }

        var flags = FlagParser.Parse(args);
        if (!flags.IsValid)
        {
            return Fail(UsageError, [.. flags.Problems.Select(p => p.Message)]);
        }

        if (!ClusterConnection.TryResolve(out var cluster, out var problem))
        {
            return Fail(1, problem);
        }

        try
        {
            await using var app = CreateApplication(flags, cluster);
            if (flags.Get(OperatorFlags.InstallCrds))
            {
                await CrdInstaller.InstallAsync(app.Services.GetRequiredService<IKubernetes>(), CancellationToken.None).ConfigureAwait(false);
            }

            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (OptionsValidationException e)
        {
            return Fail(UsageError, [.. e.Failures]);
        }
        catch (HttpRequestException e)
        {
            return Fail(1, $"cannot reach the Kubernetes API at {cluster!.Host}: {e.Message}");
        }
        catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            return Fail(1, $"{e.Message} (choose another port with the flags under --help's \"{OperatorFlags.EndpointsGroup.Title}\")");
        }
    }

    /// <summary>The web host from raw flags, as the binary parses them; bad flags throw <see cref="ArgumentException"/> naming them.</summary>
    public static WebApplication CreateApplication(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var flags = FlagParser.Parse(args);
        return flags.IsValid
            ? CreateApplication(flags, cluster: null, configure)
            : throw new ArgumentException(string.Join("; ", flags.Problems.Select(p => p.Message)), nameof(args));
    }

    /// <summary>
    /// The web host: operator services, /healthz and /readyz on <c>--health-port</c>, Prometheus /metrics on
    /// <c>--metrics-port</c>. <paramref name="configure"/> lets tests swap services.
    /// </summary>
    public static WebApplication CreateApplication(FlagValues flags, KubernetesClientConfiguration? cluster, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        var inCluster = KubernetesClientConfiguration.IsInCluster();
        builder.Logging.ClearProviders();

        // JSON in the cluster, plain text on a laptop; --log-format says otherwise.
        var format = flags.Get(OperatorFlags.LogFormat);
        if (format == "json" || (format.Length == 0 && inCluster))
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
        var (healthPort, metricsPort) = (flags.Get(OperatorFlags.HealthPort), flags.Get(OperatorFlags.MetricsPort));
        builder.WebHost.UseUrls($"http://{host}:{healthPort}", $"http://{host}:{metricsPort}");
        builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(cluster ?? ClusterConnection.Resolve()));
        builder.Services.AddSecretGroupOperator(flags);
        builder.Services.AddPrometheusMetrics();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UsePrometheusMetrics(metricsPort);
        app.MapGet(HealthEndpoints.Liveness, () => Results.Text("ok"));
        app.MapGet(HealthEndpoints.Readiness, (IOperatorHealth health) => health.CachesSynced ? Results.Text("ok") : Results.Text("caches not synced", statusCode: 503));
        return app;
    }

    private static int Fail(int exitCode, params string[] lines)
    {
        foreach (var line in lines)
        {
            Console.Error.WriteLine($"{HelpText.ProgramName}: {line}");
        }

        return exitCode;
    }
}
