using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Operator.Testing.Stores.Gcp;

/// <summary>
/// GCP Secret Manager v1 over REST on 127.0.0.1, with a fake OAuth token endpoint (<c>POST /token</c>, JWT bearer grant)
/// that checks the assertion's signature against the service accounts it knows. It can throttle, fail and add latency.
/// </summary>
public sealed partial class GcpSecretManagerFake : IAsyncDisposable
{
    /// <summary>The project <see cref="Seed"/> writes to.</summary>
    public const string DefaultProject = "test-project";

    private readonly WebApplication app;
    private readonly Lock gate = new();
    private readonly Dictionary<(string Project, string Id), List<byte[]>> secrets = [];
    private readonly ConcurrentDictionary<string, int> calls = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> recentCalls = new();
    private int throttleNext;
    private double throttleTps;
    private double failShare;
    private TimeSpan latency;
    private int accessInFlight;
    private int maxAccessInFlight;

    private GcpSecretManagerFake(WebApplication app, TimeProvider time)
    {
        this.app = app;
        Time = time;
    }

    /// <summary>Root URL (<c>http://127.0.0.1:port</c>): the store's <c>spec.gcp.endpoint</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The OAuth token endpoint keys generated here point at.</summary>
    public Uri TokenUri => new(Endpoint, "/token");

    /// <summary>Clock for token expiry.</summary>
    public TimeProvider Time { get; }

    /// <summary>The most access calls that were in flight at once.</summary>
    public int MaxConcurrentAccess => Volatile.Read(ref maxAccessInFlight);

    public static async Task<GcpSecretManagerFake> StartAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        var app = builder.Build();
        var fake = new GcpSecretManagerFake(app, time ?? TimeProvider.System);
        app.Run(fake.ServeAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.Endpoint = new Uri($"http://127.0.0.1:{new Uri(address).Port.ToString(CultureInfo.InvariantCulture)}/");
        return fake;
    }

    /// <summary>Calls answered so far of one operation: access, addVersion, create, delete, list, get or token.</summary>
    public int CallCount(string operation) => calls.TryGetValue(operation, out var n) ? n : 0;

    /// <summary>Adds latency to every call.</summary>
    public void AddLatency(TimeSpan delay) => latency = delay;

    /// <summary>The next <paramref name="count"/> Secret Manager calls (not token calls) are answered 429 RESOURCE_EXHAUSTED.</summary>
    public void ThrottleNext(int count) => Interlocked.Exchange(ref throttleNext, count);

    /// <summary>Secret Manager calls beyond <paramref name="tps"/> in any one second are answered 429; 0 turns it off.</summary>
    public void ThrottleAtTps(double tps) => throttleTps = tps;

    /// <summary>This share (0..1) of Secret Manager calls is answered 503 UNAVAILABLE.</summary>
    public void FailShare(double share) => failShare = share;

    /// <summary>Adds a version holding <paramref name="value"/> to the secret, creating it; returns the version number.</summary>
    public int Seed(string id, string value, string project = DefaultProject)
    {
        lock (gate)
        {
            if (!secrets.TryGetValue((project, id), out var versions))
            {
                secrets[(project, id)] = versions = [];
            }

            versions.Add(System.Text.Encoding.UTF8.GetBytes(value));
            return versions.Count;
        }
    }

    /// <summary>Whether the secret exists (any versions or none).</summary>
    public bool Exists(string id, string project = DefaultProject)
    {
        lock (gate)
        {
            return secrets.ContainsKey((project, id));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ServeAsync(HttpContext context)
    {
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);
        }

        var path = context.Request.Path.Value ?? "";
        if (path == "/token" && context.Request.Method == "POST")
        {
            Count("token");
            await ServeTokenAsync(context).ConfigureAwait(false);
            return;
        }

        var operation = path.StartsWith("/v1/", StringComparison.Ordinal) ? Classify(context.Request.Method, path["/v1/".Length..].Split('/')) : null;
        if (operation is null)
        {
            await ErrorAsync(context, 404, "NOT_FOUND", "unknown path").ConfigureAwait(false);
            return;
        }

        // Refused and throttled calls count too: they spend quota all the same.
        Count(operation);
        if (!Authorized(context))
        {
            await ErrorAsync(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.").ConfigureAwait(false);
            return;
        }

        if (Fault() is { } fault)
        {
            await ErrorAsync(context, fault.Code, fault.Status, "injected").ConfigureAwait(false);
            return;
        }

        await ServeApiAsync(context, operation, path["/v1/".Length..].Split('/')).ConfigureAwait(false);
    }

    private void Count(string operation) => calls.AddOrUpdate(operation, 1, (_, n) => n + 1);

    private (int Code, string Status)? Fault()
    {
        int left;
        do
        {
            left = Volatile.Read(ref throttleNext);
        }
        while (left > 0 && Interlocked.CompareExchange(ref throttleNext, left - 1, left) != left);

        if (left > 0)
        {
            return (429, "RESOURCE_EXHAUSTED");
        }

        if (throttleTps > 0)
        {
            lock (recentCalls)
            {
                var now = Time.GetUtcNow();
                while (recentCalls.Count > 0 && now - recentCalls.Peek() >= TimeSpan.FromSeconds(1))
                {
                    recentCalls.Dequeue();
                }

                if (recentCalls.Count >= throttleTps)
                {
                    return (429, "RESOURCE_EXHAUSTED");
                }

                recentCalls.Enqueue(now);
            }
        }

#pragma warning disable CA5394 // Fault injection, not security.
        return failShare > 0 && Random.Shared.NextDouble() < failShare ? (503, "UNAVAILABLE") : null;
#pragma warning restore CA5394
    }

    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
