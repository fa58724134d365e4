using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Operator.Testing.Stores.Gcp;

/// <summary>
/// GCP Secret Manager v1 over REST on 127.0.0.1, with a fake OAuth token endpoint (<c>POST /token</c>, JWT bearer grant)
/// that checks the assertion's signature against the service accounts it knows. It can throttle, fail and add latency.
/// </summary>
public sealed partial class GcpSecretManagerFake : IAsyncDisposable
{
    /// <summary>The project <c>Seed</c> writes to.</summary>
    public const string DefaultProject = "test-project";

    private readonly WebApplication app;
    private readonly Lock gate = new();
    private readonly Dictionary<(string Project, string Id), List<byte[]>> secrets = [];
    private readonly Dictionary<(string Project, string Id, int Version), string> states = [];
    private readonly Dictionary<(string Project, string Id), Dictionary<string, string>> labels = [];
    private int corruptPayloads;
    private int accessInFlight;
    private int maxAccessInFlight;

    private GcpSecretManagerFake(WebApplication app, TimeProvider time)
    {
        this.app = app;
        Time = time;
        Faults = new FakeFaults(time);
    }

    /// <summary>Root URL (<c>http://127.0.0.1:port</c>): the store's <c>spec.gcp.endpoint</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The OAuth token endpoint keys generated here point at.</summary>
    public Uri TokenUri => new(Endpoint, "/token");

    /// <summary>Clock for token expiry.</summary>
    public TimeProvider Time { get; }

    /// <summary>Latency (every call), and throttling (429 RESOURCE_EXHAUSTED), failures (503 UNAVAILABLE unless set) and
    /// outage for authorized Secret Manager calls, never the token endpoint; the rate is on <see cref="Time"/>.</summary>
    public FakeFaults Faults { get; }

    /// <summary>The most access calls that were in flight at once.</summary>
    public int MaxConcurrentAccess => Volatile.Read(ref maxAccessInFlight);

    public static async Task<GcpSecretManagerFake> StartAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var app = LoopbackServer.Build();
        var fake = new GcpSecretManagerFake(app, time ?? TimeProvider.System);
        fake.Endpoint = await LoopbackServer.StartAsync(app, fake.ServeAsync, cancellationToken: cancellationToken).ConfigureAwait(false);
        return fake;
    }

    /// <summary>Calls answered so far of one operation: access, addVersion, create, delete, list, get or token.</summary>
    public int CallCount(string operation) => Faults.CallCount(operation);

    /// <summary>Adds latency to every call.</summary>
    public void AddLatency(TimeSpan delay) => Faults.AddLatency(delay);

    /// <summary>The next <paramref name="count"/> Secret Manager calls (not token calls) are answered 429 RESOURCE_EXHAUSTED.</summary>
    public void ThrottleNext(int count) => Faults.ThrottleNext(count);

    /// <summary>Secret Manager calls beyond <paramref name="tps"/> (a token bucket on <see cref="Time"/>) are answered 429; 0 turns it off.</summary>
    public void ThrottleAtTps(double tps) => Faults.ThrottleAtTps(tps);

    /// <summary>This share (0..1) of Secret Manager calls is answered 503 UNAVAILABLE.</summary>
    public void FailShare(double share) => Faults.FailShare(share);

    /// <summary>Sets a secret's labels (GCP keeps labels on the secret, not on its versions).</summary>
    public void SetLabels(string id, IReadOnlyDictionary<string, string> values, string project = DefaultProject)
    {
        lock (gate)
        {
            labels[(project, id)] = new Dictionary<string, string>(values, StringComparer.Ordinal);
        }
    }

    /// <summary>Adds a version holding <paramref name="value"/> (UTF-8) to the secret, creating it; returns the version number.</summary>
    public int Seed(string id, string value, string project = DefaultProject) => Seed(id, System.Text.Encoding.UTF8.GetBytes(value), project);

    /// <summary>Adds a version holding <paramref name="value"/> to the secret, creating it; returns the version number.</summary>
    public int Seed(string id, byte[] value, string project = DefaultProject)
    {
        lock (gate)
        {
            if (!secrets.TryGetValue((project, id), out var versions))
            {
                secrets[(project, id)] = versions = [];
            }

            versions.Add([.. value]);
            return versions.Count;
        }
    }

    /// <summary>
    /// Sets a version's state (<c>DISABLED</c>, <c>DESTROYED</c> or <c>ENABLED</c>); <paramref name="version"/> 0 is
    /// the latest. Accessing a version that is not enabled fails with FAILED_PRECONDITION, as Secret Manager does.
    /// </summary>
    public void SetVersionState(string id, string state, int version = 0, string project = DefaultProject)
    {
        lock (gate)
        {
            var number = version == 0 ? secrets[(project, id)].Count : version;
            states[(project, id, number)] = state;
        }
    }

    /// <summary>The next <paramref name="count"/> accesses answer a payload with one byte flipped but the checksum of the original, as data damaged in transit would arrive.</summary>
    public void CorruptNextPayloads(int count)
    {
        lock (gate)
        {
            corruptPayloads += count;
        }
    }

    /// <summary>How many versions the secret has (its latest version's number); 0 when it does not exist.</summary>
    public int VersionCount(string id, string project = DefaultProject)
    {
        lock (gate)
        {
            return secrets.TryGetValue((project, id), out var versions) ? versions.Count : 0;
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
        if (IsMetadataRequest(context))
        {
            await ServeMetadataAsync(context).ConfigureAwait(false);
            return;
        }

        var path = context.Request.Path.Value ?? "";
        var isToken = path == "/token" && context.Request.Method == "POST";
        var operation = isToken ? "token" : path.StartsWith("/v1/", StringComparison.Ordinal) ? Classify(context.Request.Method, path["/v1/".Length..].Split('/')) : null;
        await Faults.DelayAsync(operation ?? "unknown", context.RequestAborted).ConfigureAwait(false);
        if (isToken)
        {
            Faults.Count("token");
            await ServeTokenAsync(context).ConfigureAwait(false);
            return;
        }

        if (operation is null)
        {
            await ErrorAsync(context, 404, "NOT_FOUND", "unknown path").ConfigureAwait(false);
            return;
        }

        // Refused and throttled calls count too: they spend quota all the same.
        if (!Authorized(context))
        {
            Faults.Count(operation);
            await ErrorAsync(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.").ConfigureAwait(false);
            return;
        }

        switch (Faults.Decide(operation))
        {
            case FakeFault.Throttled:
                await ErrorAsync(context, 429, "RESOURCE_EXHAUSTED", "injected", Faults.RetryAfter).ConfigureAwait(false);
                return;
            case FakeFault.Failed:
                await ErrorAsync(context, Faults.FailStatus ?? 503, "UNAVAILABLE", "injected").ConfigureAwait(false);
                return;
        }

        await ServeApiAsync(context, operation, path["/v1/".Length..].Split('/')).ConfigureAwait(false);
    }
}
