using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Operator.Testing.Stores.Azure;

/// <summary>
/// Azure Key Vault secrets and a Microsoft Entra token endpoint on one loopback HTTPS server with a self-signed
/// certificate: the real SecretClient and ClientSecretCredential talk to it through the bearer challenge.
/// </summary>
public sealed partial class AzureKeyVaultFake : IAsyncDisposable
{
    /// <summary>The resource Key Vault names in its challenge; tokens are asked for <c>&lt;resource&gt;/.default</c>.</summary>
    public const string Resource = "https://vault.azure.net";

    private readonly WebApplication app;
    private readonly FakeVault vault = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> unanswered = new();
    private readonly ConcurrentDictionary<string, bool> disabled = new(StringComparer.OrdinalIgnoreCase);
    private int inFlight;
    private int maxInFlight;

    private AzureKeyVaultFake(WebApplication app, X509Certificate2 certificate, string tenantId, string clientId, string clientSecret, TimeProvider time)
    {
        this.app = app;
        Faults = new FakeFaults(time);
        Certificate = certificate;
        TenantId = tenantId;
        ClientId = clientId;
        ClientSecret = clientSecret;
    }

    /// <summary>The server's certificate: clients trust exactly this one.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The vault URL (also the authority host: the token endpoint is on the same server).</summary>
    public Uri VaultUri { get; private set; } = new("https://127.0.0.1/");

    /// <summary>The authority host for credentials (<c>https://127.0.0.1:port/</c>).</summary>
    public Uri AuthorityHost => VaultUri;

    public string TenantId { get; }

    public string ClientId { get; }

    /// <summary>The only client secret the token endpoint accepts (changeable with <see cref="RotateClientSecret"/>).</summary>
    public string ClientSecret { get; private set; }

    /// <summary>Latency (every answer), and throttling (429 with Retry-After), failures (503 unless set) and outage for
    /// authenticated vault calls, never the token endpoint; the rate is on the clock given at start (tokens always use real time).</summary>
    public FakeFaults Faults { get; }

    /// <summary>Most vault calls served at the same time so far.</summary>
    public int MaxConcurrentCalls => Volatile.Read(ref maxInFlight);

    /// <summary>Requests the fake had no answer for (method and path), for diagnosing SDK changes.</summary>
    public IReadOnlyCollection<string> Unanswered => [.. unanswered];

    /// <summary>Starts it; its certificate also names <paramref name="hostNames"/> (e.g. a vault's real host, reached through a <see cref="ConnectProxy"/>).</summary>
    public static async Task<AzureKeyVaultFake> StartAsync(string tenantId = "7f3c2b1a-0000-4000-8000-00000000a2e1", string clientId = "operator-client", string clientSecret = "fake-client-secret", TimeProvider? time = null, IReadOnlyList<string>? hostNames = null)
    {
        var certificate = SelfSignedCertificate.Create(dnsNames: hostNames ?? []);
        var app = LoopbackServer.Build(listen: l => l.UseHttps(certificate));
        var fake = new AzureKeyVaultFake(app, certificate, tenantId, clientId, clientSecret, time ?? TimeProvider.System);
        fake.VaultUri = await LoopbackServer.StartAsync(app, fake.ServeAsync, "https").ConfigureAwait(false);
        return fake;
    }

    /// <summary>True when <paramref name="certificate"/> is this server's (for a client's certificate validation callback).</summary>
    public bool IsServerCertificate(X509Certificate? certificate) =>
        certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == Certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>Calls answered so far for <paramref name="operation"/>: get, set, delete, list, recover, purge (authenticated only) or token.</summary>
    public int CallCount(string operation) => Faults.CallCount(operation);

    /// <summary>Writes a new version of <paramref name="name"/> directly, as another writer would; returns the version.</summary>
    public string Seed(string name, string value, IReadOnlyDictionary<string, string>? tags = null)
    {
        var (outcome, _, version) = vault.Set(name, value, tags);
        if (outcome != FakeVault.SetOutcome.Written)
        {
            vault.Purge(name);
            (_, _, version) = vault.Set(name, value, tags);
        }

        return version!.Version;
    }

    /// <summary>The current value of <paramref name="name"/>, or null.</summary>
    public string? ValueOf(string name) => vault.Get(name, null)?.Version.Value;

    /// <summary>Every version of <paramref name="name"/>, oldest first.</summary>
    public IReadOnlyList<FakeSecretVersion> Versions(string name) => vault.Versions(name);

    /// <summary>True when <paramref name="name"/> is deleted but recoverable.</summary>
    public bool IsSoftDeleted(string name) => vault.GetDeleted(name) is not null;

    /// <summary>Disables the secret (its attributes' <c>enabled: false</c>): reading it is refused until it is enabled again.</summary>
    public void Disable(string name, bool isDisabled = true)
    {
        if (isDisabled)
        {
            disabled[name] = true;
        }
        else
        {
            disabled.TryRemove(name, out _);
        }
    }

    /// <summary>Makes the token endpoint accept only <paramref name="secret"/> from now on; issued tokens stay valid.</summary>
    public void RotateClientSecret(string secret) => ClientSecret = secret;

    /// <summary>Forgets every issued token: the next vault call gets the bearer challenge again.</summary>
    public void RevokeTokens() => tokens.Clear();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        Certificate.Dispose();
    }

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length > 0 && segments[0] is "secrets" or "deletedsecrets")
        {
            await ServeVaultAsync(context, segments).ConfigureAwait(false);
            return;
        }

        await Faults.DelayAsync("token", context.RequestAborted).ConfigureAwait(false);
        if (await ServeEntraAsync(context, segments).ConfigureAwait(false) || await ServeManagedIdentityAsync(context, segments).ConfigureAwait(false))
        {
            return;
        }

        unanswered.Enqueue($"{context.Request.Method} {path}");
        await WriteErrorAsync(context, 404, "NotFound", "no such endpoint on the fake").ConfigureAwait(false);
    }

    private async Task ServeVaultAsync(HttpContext context, string[] segments)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !tokens.TryGetValue(auth["Bearer ".Length..], out var expires) || expires < DateTimeOffset.UtcNow)
        {
            // The SDK's first request carries no token and no body; it learns tenant and resource from this challenge.
            context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"{AuthorityHost.ToString().TrimEnd('/')}/{TenantId}\", resource=\"{Resource}\"";
            await WriteErrorAsync(context, 401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.").ConfigureAwait(false);
            return;
        }

        var operation = OperationOf(context.Request.Method, segments);
        var fault = Faults.Decide(operation);
        var now = Interlocked.Increment(ref inFlight);
        InterlockedMax(ref maxInFlight, now);
        try
        {
            // Inside the in-flight window, so MaxConcurrentCalls sees overlapping calls.
            await Faults.DelayAsync(operation, context.RequestAborted).ConfigureAwait(false);
            if (string.IsNullOrEmpty(context.Request.Query["api-version"]))
            {
                await WriteErrorAsync(context, 400, "BadParameter", "The request URI contains an invalid api-version parameter").ConfigureAwait(false);
                return;
            }

            if (fault == FakeFault.Throttled)
            {
                // Key Vault throttling: 429 with Retry-After in seconds ("Azure Key Vault throttling guidance").
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling((Faults.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await WriteErrorAsync(context, 429, "Throttled", "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached").ConfigureAwait(false);
                return;
            }

            if (fault == FakeFault.Failed)
            {
                await WriteErrorAsync(context, Faults.FailStatus ?? 503, "ServiceUnavailable", "injected failure").ConfigureAwait(false);
                return;
            }

            await ServeSecretsAsync(context, operation, segments).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private static string OperationOf(string method, string[] segments) => (method, segments[0], segments.Length) switch
    {
        ("GET", "secrets", 1) => "list",
        ("GET", "secrets", _) => "get",
        ("PUT", "secrets", _) => "set",
        ("DELETE", "secrets", _) => "delete",
        ("POST", "deletedsecrets", _) => "recover",
        ("DELETE", "deletedsecrets", _) => "purge",
        ("GET", "deletedsecrets", _) => "get-deleted",
        _ => "other",
    };

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string code, string message, string? inner = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (inner is not null)
        {
            error["innererror"] = new JsonObject { ["code"] = inner };
        }

        return WriteJsonAsync(context, status, new JsonObject { ["error"] = error });
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }
}
