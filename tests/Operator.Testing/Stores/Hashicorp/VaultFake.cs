using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Operator.Testing.Stores.Hashicorp;

/// <summary>One request the fake answered: its operation name (e.g. <c>kv.read</c>), status and X-Vault-Namespace header.</summary>
public sealed record VaultFakeRequest(string Operation, string Method, string Path, string? Namespace, int StatusCode);

/// <summary>
/// A wire-level fake of the HashiCorp Vault HTTP API on 127.0.0.1, enough for a KV v2 client: KV v2 data and
/// metadata (versions, check-and-set, soft delete), token lookup-self and renew-self, AppRole and Kubernetes login,
/// X-Vault-Token checks with TTLs on the given <see cref="TimeProvider"/>, and injected faults (latency,
/// throttling, failures, revoked tokens). Field values keep their JSON types; KV data is kept per namespace.
/// </summary>
public sealed partial class VaultFake : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Lock gate = new();
    private readonly List<VaultFakeRequest> requests = [];

    private VaultFake(WebApplication app, TimeProvider time)
    {
        this.app = app;
        Time = time;
        Faults = new FakeFaults(time);
        RootToken = AddToken();
    }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public TimeProvider Time { get; }

    /// <summary>Latency, throttling (429), failures (500 unless set) and outage for every request; the rate is on <see cref="Time"/>.</summary>
    public FakeFaults Faults { get; }

    /// <summary>A token that never expires, made at start (revoked by <see cref="RevokeAllTokens"/> like any other).</summary>
    public string RootToken { get; }

    /// <summary>TTL of tokens issued by logins and granted by a renewal.</summary>
    public TimeSpan LoginTokenTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A login token is never renewed past this age.</summary>
    public TimeSpan LoginTokenMaxTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A snapshot of the requests answered so far.</summary>
    public IReadOnlyList<VaultFakeRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    public static async Task<VaultFake> StartAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var app = LoopbackServer.Build();
        var fake = new VaultFake(app, time ?? TimeProvider.System);
        fake.BaseAddress = await LoopbackServer.StartAsync(app, fake.ServeAsync, cancellationToken: cancellationToken).ConfigureAwait(false);
        return fake;
    }

    /// <summary>Calls answered so far for <paramref name="operation"/>: kv.read, kv.write, kv.delete, kv.metadata,
    /// token.lookup, token.renew, login.approle, login.kubernetes (faults included).</summary>
    public int CallCount(string operation) => Faults.CallCount(operation);

    /// <summary>Delays every request (real time: it stands for network latency).</summary>
    public void AddLatency(TimeSpan delay) => Faults.AddLatency(delay);

    /// <summary>Answers the next <paramref name="count"/> requests 429.</summary>
    public void ThrottleNext(int count) => Faults.ThrottleNext(count);

    /// <summary>Answers 429 to requests beyond <paramref name="tps"/> (a token bucket on <see cref="Time"/>); 0 turns it off.</summary>
    public void ThrottleAtTps(double tps) => Faults.ThrottleAtTps(tps);

    /// <summary>Fails a repeatable pseudo-random share of requests with <paramref name="statusCode"/>.</summary>
    public void FailShare(double share, int statusCode = 500) => Faults.FailShare(share, statusCode);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var method = context.Request.Method;
        var ns = context.Request.Headers["X-Vault-Namespace"].FirstOrDefault();
        var route = path.StartsWith("/v1/", StringComparison.Ordinal) ? Route(method, path[4..]) : new VaultRoute("unknown", "", "");
        var fault = Faults.Decide(route.Operation);

        context.Response.OnStarting(() =>
        {
            lock (gate)
            {
                requests.Add(new VaultFakeRequest(route.Operation, method, path, ns, context.Response.StatusCode));
            }

            return Task.CompletedTask;
        });

        await Faults.DelayAsync(route.Operation, context.RequestAborted).ConfigureAwait(false);
        var (status, body) = fault switch
        {
            FakeFault.Throttled => Throttled(context),
            FakeFault.Failed => (Faults.FailStatus ?? 500, Errors("injected fault")),
            _ => await HandleAsync(context, route).ConfigureAwait(false),
        };
        context.Response.StatusCode = status;
        if (body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
        }
    }

    private async Task<(int Status, JsonNode? Body)> HandleAsync(HttpContext context, VaultRoute route)
    {
        JsonObject? body = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                return (400, Errors("failed to parse JSON input"));
            }
        }

        var ns = context.Request.Headers["X-Vault-Namespace"].FirstOrDefault()?.Trim('/') ?? "";
        if (route.Operation.StartsWith("login.", StringComparison.Ordinal))
        {
            return await LoginAsync(route, ns, body, context.RequestAborted).ConfigureAwait(false);
        }

        if (route.Operation == "unknown")
        {
            return (404, Errors("no handler for route"));
        }

        var token = context.Request.Headers["X-Vault-Token"].FirstOrDefault();
        lock (gate)
        {
            if (!IsValid(token, ns) || (route.Operation.StartsWith("kv.", StringComparison.Ordinal) && Denied(route)))
            {
                return (403, Errors("permission denied"));
            }

            return route.Operation switch
            {
                "token.lookup" => LookupSelf(token!),
                "token.renew" => RenewSelf(token!, body),
                "token.revoke" => RevokeSelf(token!),
                _ => Kv(route, ns, context.Request.Method, body, context.Request.Query["version"].FirstOrDefault()),
            };
        }
    }

    private static JsonObject Errors(string message) => new() { ["errors"] = new JsonArray(message) };

    // A rate limit quota answers 429 with Retry-After (Vault docs, "Resource quotas": the header tells when to retry).
    private (int, JsonNode?) Throttled(HttpContext context)
    {
        if (Faults.RetryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return (429, Errors("rate limit quota exceeded"));
    }
}
