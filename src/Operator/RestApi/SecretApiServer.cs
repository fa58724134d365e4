using System.Net;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Operator.RestApi;

/// <summary>
/// Serves the Secret Management REST API on its own Kestrel listener (<c>--api-port</c>, default 8082) when
/// <c>--api-enabled</c>; a separate web application so the health port never exposes it.
/// </summary>
public sealed partial class SecretApiServer(IServiceProvider services, IOptions<RestApiOptions> options, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private WebApplication? app;

    /// <summary>Where the API listens once started (port 0 becomes the bound port); null while disabled.</summary>
    public Uri? BaseAddress { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        var address = KubernetesClientConfiguration.IsInCluster() ? IPAddress.Any : IPAddress.Loopback;
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, options.Value.Port));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);

        // The operator's host owns Ctrl-C/SIGTERM; this application is stopped by it.
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        app = builder.Build();
        SecretGroupEndpoints.Map(app, services.GetRequiredService<SecretGroupService>(), services.GetRequiredService<ApiAuthenticator>());
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        BaseAddress = new Uri($"http://{(address.Equals(IPAddress.Any) ? "127.0.0.1" : address.ToString())}:{bound.Port}/");
        var logger = loggers.CreateLogger<SecretApiServer>();
        LogListening(logger, bound.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            app = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Secret Management API listening on port {Port}")]
    private static partial void LogListening(ILogger logger, int port);

    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
