using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Operator.Testing;

/// <summary>The bare Kestrel host behind the emulator and the store fakes: 127.0.0.1 only, no console lifetime.</summary>
internal static class LoopbackServer
{
    /// <summary>
    /// A host listening on <paramref name="port"/> (0: a free one); <paramref name="listen"/> adds e.g. HTTPS. With
    /// <paramref name="alsoHttps"/> it listens on a second port too, with HTTPS and that certificate.
    /// </summary>
    public static WebApplication Build(int port = 0, Action<ListenOptions>? listen = null, (int Port, X509Certificate2 Certificate)? alsoHttps = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, port, l => listen?.Invoke(l));
            if (alsoHttps is { } https)
            {
                k.Listen(System.Net.IPAddress.Loopback, https.Port, l => l.UseHttps(https.Certificate));
            }
        });

        // A server inside a test process must not take over Ctrl-C/SIGTERM the way the console lifetime does.
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        return builder.Build();
    }

    /// <summary>Serves every request with <paramref name="serve"/>, starts, and returns <c>scheme://127.0.0.1:port/</c>.</summary>
    public static async Task<Uri> StartAsync(WebApplication app, RequestDelegate serve, string scheme = "http", CancellationToken cancellationToken = default)
    {
        app.Run(serve);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = Addresses(app).First();
        return new Uri($"{scheme}://127.0.0.1:{address.Port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>Every address the started host listens on (<c>http://127.0.0.1:port/</c>, <c>https://127.0.0.1:port/</c>).</summary>
    public static IEnumerable<Uri> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).Select(a => new Uri($"{a.Scheme}://127.0.0.1:{a.Port.ToString(CultureInfo.InvariantCulture)}/"));

    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
