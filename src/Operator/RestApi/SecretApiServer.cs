using System.Net;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.References;
using Operator.Runtime;
using Operator.Tls;

namespace Operator.RestApi;

/// <summary>
/// Serves the Secret Management REST API on its own Kestrel listener (<c>--api-port</c>, default 8082) when
/// <c>--api-enabled</c>; a separate web application so the health port never exposes it. HTTPS with the operator's own
/// CA (or cert-manager's certificate), renewed without a restart; plain HTTP only with <c>--api-insecure-http</c>.
/// </summary>
[Rbac("", "secrets", "get,create,update", "Over TLS the API's CA and serving certificate live in --api-cert-secret in the operator's namespace (only read with cert-manager).", Scope = RbacScope.OperatorNamespace, Feature = "rest-api")]
public sealed partial class SecretApiServer(
    IServiceProvider services,
    IKubernetes client,
    IOptions<RestApiOptions> options,
    IOptions<TenancyOptions> tenancy,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    /// <summary>
    /// Largest request body: a group's values fit one Kubernetes Secret (1 MiB), and as JSON text or base64 they take
    /// at most about twice that. Larger bodies are refused with 413 before they are parsed.
    /// </summary>
    public const long MaxRequestBodyBytes = 2 * 1024 * 1024;

    private readonly ILogger logger = loggers.CreateLogger<SecretApiServer>();
    private WebApplication? app;
    private CertificateRenewal? renewal;

    /// <summary>The API's serving certificate; null with <c>--api-insecure-http</c> or while disabled.</summary>
    public ServingCertificates? Certificates { get; private set; }

    /// <summary>The routes the listener serves, as <c>METHOD /pattern</c> (the fallback left out); empty while disabled.</summary>
    public IReadOnlyList<string> ServedRoutes => app is null
        ? []
        : [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText}"))];

    /// <summary>Where the API listens once started (port 0 becomes the bound port); null while disabled.</summary>
    public Uri? BaseAddress { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var o = options.Value;
        if (!o.InsecureHttp)
        {
            var certificates = new ServingCertificates(client, new ServingCertificateSettings("api", tenancy.Value.Namespace, o.ServiceName, o.CertSecret, o.CertManager), time, logger);
            renewal = new CertificateRenewal(async ct => (await certificates.EnsureAsync(ct).ConfigureAwait(false)).Ready, time, logger);
            await renewal.StartAsync(cancellationToken).ConfigureAwait(false);
            Certificates = certificates;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        var address = KubernetesClientConfiguration.IsInCluster() ? IPAddress.Any : IPAddress.Loopback;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            k.AddServerHeader = false;
            k.Listen(address, o.Port, listen =>
            {
                if (Certificates is { } serving)
                {
                    listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => serving.Current);
                }
            });
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);

        // The operator's host owns Ctrl-C/SIGTERM; this application is stopped by it.
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        app = builder.Build();
        var table = ApiRoutes.For(services.GetRequiredService<SecretGroupService>(), services.GetRequiredService<SecretService>());
        SecretGroupEndpoints.Map(app, table, services.GetRequiredService<ApiAuthenticator>(), services.GetRequiredService<CallerRateLimiter>());
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var scheme = Certificates is null ? "http" : "https";
        BaseAddress = new Uri($"{scheme}://{(address.Equals(IPAddress.Any) ? "127.0.0.1" : address.ToString())}:{bound.Port}/");
        if (Certificates is null)
        {
            LogInsecure(logger, bound.Port);
        }
        else
        {
            LogListening(logger, bound.Port);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (renewal is not null)
        {
            await renewal.StopAsync().ConfigureAwait(false);
        }

        if (app is not null)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (renewal is not null)
        {
            await renewal.DisposeAsync().ConfigureAwait(false);
        }

        if (app is not null)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            app = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Secret Management API listening on port {Port} (HTTPS)")]
    private static partial void LogListening(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Secret Management API listening on port {Port} over plain HTTP (--api-insecure-http): tokens and values cross the network in clear; use it only locally")]
    private static partial void LogInsecure(ILogger logger, int port);

    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
