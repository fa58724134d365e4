using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Operator.RestApi;

namespace Operator.IntegrationTests.Api;

/// <summary>
/// The operator with the REST API enabled on 127.0.0.1 port 0 over HTTPS against the RBAC-enforcing emulator. The
/// tenant admin is ServiceAccount platform/root with a token requested for the API's audience (<c>kubectl create token
/// root --audience secretgroup-api</c>); collaborators alice, bob, carol (team ml) and dave hold API keys, since
/// collaborators never name system: identities such as ServiceAccounts (GroupRbac.Problem). The HttpClient trusts
/// only the API's own CA and records every body.
/// </summary>
public sealed class ApiFixture : IAsyncDisposable
{
    public const string Ns = "team-a";

    /// <summary>A credential starting with this is sent as <c>X-Api-Key</c>, any other as a bearer token.</summary>
    public const string KeyPrefix = "key:";

    public const string AliceSubject = "user:alice";
    public const string BobSubject = "user:bob";
    public const string DaveSubject = "user:dave";

    /// <summary>Carol's team: the viewers of most groups.</summary>
    public const string MlTeam = "team:ml";

    /// <summary>Every ServiceAccount of namespace platform (root): the tenant admins.</summary>
    public static readonly string PlatformTeam = ApiCallers.Team("platform");

    private ApiFixture(OperatorHarness harness, HttpClient http, byte[]? ca)
    {
        H = harness;
        Ca = ca;
        Http = http;
    }

    public OperatorHarness H { get; }

    public HttpClient Http { get; }

    /// <summary>The API's CA certificate (PEM); null over plain HTTP.</summary>
    public byte[]? Ca { get; }

    /// <summary>Credentials: a tenant admin's token for the API's audience; API keys of alice (admin of most groups), bob (editor), carol (viewer by team), dave (no role).</summary>
    public string Admin { get; private set; } = "";

    public string Alice { get; private set; } = "";

    public string Bob { get; private set; } = "";

    public string Carol { get; private set; } = "";

    public string Dave { get; private set; } = "";

    /// <summary>The tenant admin's token for the API server's own audience: valid in the cluster, not for the API.</summary>
    public string WrongAudience { get; private set; } = "";

    /// <summary>Every response body so far, for the canary checks.</summary>
    public List<string> Bodies { get; } = [];

    /// <summary>Collaborators used by most tests: alice admin, bob editor, team ml (carol) viewer.</summary>
    public static object[] Collaborators =>
    [
        new { role_id = "secret-group-admin", subject = AliceSubject },
        new { role_id = "secret-group-editor", subject = BobSubject },
        new { role_id = "secret-group-viewer", subject = MlTeam },
    ];

    /// <summary>Secret holding the API's CA and serving certificate (in the operator's namespace).</summary>
    public const string CertSecret = "secretgroup-operator-api-tls";

    /// <summary>
    /// Starts it; <paramref name="settings"/> are extra operator settings (the rate limit is out of the way unless set),
    /// <paramref name="configureServices"/> as for the harness; <paramref name="realClock"/> moves the fake clock to now
    /// first, for clients that check certificates against the real time (curl).
    /// </summary>
    public static async Task<ApiFixture> StartAsync(IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? configureServices = null, bool realClock = false)
    {
        var h = await OperatorHarness.StartAsync(startOperator: false, configureServices: configureServices);
        if (realClock)
        {
            h.Time.SetUtcNow(DateTimeOffset.UtcNow);
        }

        h.Settings["ApiEnabled"] = "true";
        h.Settings["ApiPort"] = "0";
        h.Settings["ApiNamespace"] = Ns;
        h.Settings["TenantAdmins"] = PlatformTeam;

        // The fake clock stands still, so buckets would not refill: only the rate-limit tests set a small burst.
        h.Settings["ApiRateBurst"] = "100000";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            h.Settings[key] = value;
        }

        await h.CreateNamespaceAsync(Ns);
        await h.CreateNamespaceAsync("team-b");
        await h.StartOperatorAsync();
        await h.CreateIntegrationAsync();
        var address = h.Host!.Services.GetRequiredService<SecretApiServer>().BaseAddress!;
        Assert.Equal("127.0.0.1", address.Host);
        HttpClient http;
        byte[]? ca = null;
        if (address.Scheme == Uri.UriSchemeHttp)
        {
            http = new HttpClient { BaseAddress = address };
        }
        else
        {
            ca = (await h.Client.CoreV1.ReadNamespacedSecretAsync(CertSecret, OperatorHarness.OperatorNamespace)).Data["ca.crt"];
            http = new HttpClient(TestClients.TrustingOnly(ca, h.Time.GetUtcNow)) { BaseAddress = address };
        }

        var fixture = new ApiFixture(h, http, ca)
        {
            Admin = await ApiCallers.TokenAsync(h.Client, "platform", "root"),
            WrongAudience = await ApiCallers.TokenAsync(h.Client, "platform", "root", audience: null),
            Alice = KeyPrefix + "alice-" + Guid.NewGuid().ToString("N"),
            Bob = KeyPrefix + "bob-" + Guid.NewGuid().ToString("N"),
            Carol = KeyPrefix + "carol-" + Guid.NewGuid().ToString("N"),
            Dave = KeyPrefix + "dave-" + Guid.NewGuid().ToString("N"),
        };
        foreach (var (key, subject) in new[] { (fixture.Alice, AliceSubject), (fixture.Bob, BobSubject), (fixture.Carol, MlTeam), (fixture.Dave, DaveSubject) })
        {
            await fixture.WriteApiKeyAsync(key[KeyPrefix.Length..], subject);
        }

        return fixture;
    }

    public static object Manifest(string name, string? integration = null, object[]? collaborators = null) => new
    {
        manifest = new { type = "secret-group", name, integration_fqn = integration ?? $"{OperatorHarness.DefaultTenant}:kubernetes:local:secret-store:k8s-store", collaborators = collaborators ?? Collaborators },
        dryRun = false,
    };

    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? token, object? body = null, string? apiKey = null, string? rawBody = null)
    {
        var (status, json, _) = await ExchangeAsync(method, path, token, body, apiKey, rawBody);
        return (status, json);
    }

    /// <summary>As <see cref="SendAsync"/>, with the response headers.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseHeaders Headers)> ExchangeAsync(
        HttpMethod method, string path, string? token, object? body = null, string? apiKey = null, string? rawBody = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            Authenticate(request, token);
        }

        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        if (rawBody is not null || body is not null)
        {
            request.Content = new StringContent(rawBody ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        lock (Bodies)
        {
            Bodies.Add(text);
        }

        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers);
    }

    /// <summary>Puts <paramref name="credential"/> on the request: an API key (<see cref="KeyPrefix"/>) or a bearer token.</summary>
    public static void Authenticate(HttpRequestMessage request, string credential)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credential);
        if (credential.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            request.Headers.Add("X-Api-Key", credential[KeyPrefix.Length..]);
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }
    }

    /// <summary>Creates a group as the tenant admin and returns its id.</summary>
    public async Task<string> CreateAsync(string name, object[]? collaborators = null)
    {
        var (status, body) = await SendAsync(HttpMethod.Put, "/v1/secret-groups", Admin, Manifest(name, collaborators: collaborators));
        Assert.Equal(HttpStatusCode.OK, status);
        return (string)body!["id"]!;
    }

    public Task<(HttpStatusCode Status, JsonNode? Body)> SetAsync(string id, string? token, params (string Key, string? Value)[] secrets) =>
        SendAsync(HttpMethod.Put, $"/v1/secret-groups/{id}", token, new { secrets = secrets.Select(s => new { key = s.Key, value = s.Value }).ToArray() });

    /// <summary>As <see cref="SetAsync"/>, decided on group version <paramref name="version"/> (the body's resourceVersion).</summary>
    public Task<(HttpStatusCode Status, JsonNode? Body)> SetAtAsync(string id, string? token, string version, params (string Key, string? Value)[] secrets) =>
        SendAsync(HttpMethod.Put, $"/v1/secret-groups/{id}", token, new { secrets = secrets.Select(s => new { key = s.Key, value = s.Value }).ToArray(), resourceVersion = version });

    /// <summary>The group's current resourceVersion as the API shows it to <paramref name="token"/>.</summary>
    public async Task<string> VersionAsync(string id, string token)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"/v1/secret-groups/{id}", token);
        Assert.Equal(HttpStatusCode.OK, status);
        return (string)body!["resourceVersion"]!;
    }

    /// <summary>The values in the built-in store (the source Secret <c>&lt;tenant&gt;.&lt;group&gt;</c>).</summary>
    public async Task<Dictionary<string, string>> StoreValuesAsync(string group)
    {
        var secret = await H.GetSecretAsync(OperatorHarness.SourceNamespace, $"{H.Tenant}.{group}");
        return secret?.Data?.ToDictionary(p => p.Key, p => Encoding.UTF8.GetString(p.Value)) ?? [];
    }

    public async Task<string?> StoreVersionAsync(string group) =>
        (await H.GetSecretAsync(OperatorHarness.SourceNamespace, $"{H.Tenant}.{group}"))?.Metadata.ResourceVersion;

    /// <summary>Waits until the managed Secret's data equals <paramref name="expected"/>.</summary>
    public async Task WaitForManagedAsync(string group, Dictionary<string, string> expected)
    {
        Dictionary<string, string>? last = null;
        await OperatorHarness.WaitForAsync(async () =>
        {
            var secret = await H.GetSecretAsync(Ns, group);
            last = secret?.Data?.ToDictionary(p => p.Key, p => Encoding.UTF8.GetString(p.Value)) ?? [];
            return last.Count == expected.Count && expected.All(p => last.TryGetValue(p.Key, out var v) && v == p.Value);
        }, $"managed Secret {Ns}/{group}", () => last is null ? "" : string.Join(",", last.Keys));
    }

    /// <summary>Adds an API key for <paramref name="subject"/> to the keys Secret (by its hash, as an operator admin would).</summary>
    public Task WriteApiKeyAsync(string key, string subject) => WriteApiKeyAsync(H.Client, key, subject);

    /// <summary>Adds API key <paramref name="key"/> for <paramref name="subject"/> to the keys Secret (its SHA-256 names the entry).</summary>
    public static async Task WriteApiKeyAsync(IKubernetes client, string key, string subject)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var data = (await TestClients.GetSecretOrNullAsync(client, OperatorHarness.OperatorNamespace, "secretgroup-api-keys"))?.Data ?? new Dictionary<string, byte[]>();
        data[hash] = Encoding.UTF8.GetBytes(subject);
        await TestClients.UpsertSecretAsync(client, OperatorHarness.OperatorNamespace, "secretgroup-api-keys", data);
    }

    public static void AssertError(HttpStatusCode expected, (HttpStatusCode Status, JsonNode? Body) actual, string code, string? messagePart = null)
    {
        Assert.True(
            expected == actual.Status && code == (string?)actual.Body?["error"]?["code"],
            $"expected {(int)expected} {code}, got {(int)actual.Status} {actual.Body?.ToJsonString()}");
        if (messagePart is not null)
        {
            Assert.Contains(messagePart, (string?)actual.Body?["error"]?["message"] ?? "", StringComparison.Ordinal);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await H.DisposeAsync();
    }
}
