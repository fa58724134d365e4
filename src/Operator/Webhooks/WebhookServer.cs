using System.Net;
using k8s;
using k8s.Autorest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.Tls;

namespace Operator.Webhooks;

/// <summary>
/// The Pod webhook on its own Kestrel HTTPS endpoint (<c>--webhook-port</c>, path <c>/mutate-pods</c>). Every replica
/// serves it; the certificate is chosen per handshake, so a renewed one is used without a restart.
/// </summary>
public sealed partial class WebhookServer(
    WebhookCertificates certificates,
    AdmissionReviewHandler handler,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    public const string MutatePodsPath = "/mutate-pods";

    private readonly ILogger logger = loggerFactory.CreateLogger<WebhookServer>();
    private readonly CertificateRenewal renewal = new(certificates.EnsureAsync, time, loggerFactory.CreateLogger<WebhookServer>());
    private WebApplication? app;

    /// <summary>The port actually bound (useful with <c>--webhook-port=0</c>).</summary>
    public int Port { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await renewal.StartAsync(cancellationToken).ConfigureAwait(false);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        var address = KubernetesClientConfiguration.IsInCluster() ? IPAddress.Any : IPAddress.Loopback;
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, options.Value.Port, listen =>
            listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => certificates.Current)));
        app = builder.Build();
        app.MapPost(MutatePodsPath, async (HttpRequest request, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var response = handler.Handle(await reader.ReadToEndAsync(ct).ConfigureAwait(false));
            return response is null
                ? Results.Text("expected an admission.k8s.io/v1 AdmissionReview with request.uid", statusCode: 400)
                : Results.Text(response.ToJsonString(), "application/json");
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        Port = new Uri(app.Urls.First()).Port;
        var listening = address.ToString();
        LogServing(logger, listening, Port, MutatePodsPath);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await renewal.StopAsync().ConfigureAwait(false);
        if (app is not null)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await renewal.DisposeAsync().ConfigureAwait(false);
        if (app is not null)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod webhook serving https on {Address}:{Port}{Path}")]
    private static partial void LogServing(ILogger logger, string address, int port, string path);
}
