using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Operator.RestApi;

namespace Operator.IntegrationTests.Api;

/// <summary>What the API costs and shows on the network: TLS, the rate limit, the authentication cache, the body limit.</summary>
public sealed class ApiNetworkTests
{
    private const string KeysSecretPath = "/api/v1/namespaces/" + OperatorHarness.OperatorNamespace + "/secrets/secretgroup-api-keys";

    [Fact]
    public async Task Api_ServesTlsWithItsOwnCa_ForItsServiceNames_AndNothingOverPlainHttp()
    {
        await using var f = await ApiFixture.StartAsync();
        await f.WriteApiKeyAsync("key-of-platform", ApiFixture.PlatformTeam);
        var address = f.H.Host!.Services.GetRequiredService<SecretApiServer>().BaseAddress!;
        Assert.Equal(Uri.UriSchemeHttps, address.Scheme);

        // The fixture's client trusts only ca.crt of the API's Secret and checks the name: a 200 proves both.
        Assert.Equal(HttpStatusCode.OK, (await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", token: null, apiKey: "key-of-platform")).Status);

        var secret = await f.H.Client.CoreV1.ReadNamespacedSecretAsync(ApiFixture.CertSecret, OperatorHarness.OperatorNamespace);
        var served = await ServedCertificateAsync(address, "secretgroup-operator-api." + OperatorHarness.OperatorNamespace + ".svc", secret.Data["ca.crt"], f.H.Time.GetUtcNow());
        var names = served.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames().ToList();
        Assert.Contains($"secretgroup-operator-api.{OperatorHarness.OperatorNamespace}.svc.cluster.local", names);
        Assert.Equal("kubernetes.io/tls", secret.Type);
        Assert.Equal(served.Thumbprint, X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(secret.Data["tls.crt"])).Thumbprint);

        // A client that sends the key in clear gets no answer from the API: the listener speaks TLS only.
        var plain = new UriBuilder(address) { Scheme = Uri.UriSchemeHttp }.Uri;
        using var http = new HttpClient { BaseAddress = plain };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/secret-groups");
        request.Headers.Add("X-Api-Key", "key-of-platform");
        var answered = await AnswerOrNullAsync(http, request);
        Assert.NotEqual(HttpStatusCode.OK, answered);
    }

    [Fact]
    public async Task InsecureHttpFlag_ServesPlainHttp_AndSaysSoInTheLog()
    {
        await using var f = await ApiFixture.StartAsync(new Dictionary<string, string> { ["ApiInsecureHttp"] = "true" });
        await f.WriteApiKeyAsync("key-of-platform", ApiFixture.PlatformTeam);

        Assert.Equal(Uri.UriSchemeHttp, f.Http.BaseAddress!.Scheme);
        Assert.Equal(HttpStatusCode.OK, (await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", token: null, apiKey: "key-of-platform")).Status);
        Assert.Contains(f.H.AllLogs(), l => l.Contains("plain HTTP (--api-insecure-http)", StringComparison.Ordinal));
        Assert.Null(await f.H.GetSecretAsync(OperatorHarness.OperatorNamespace, ApiFixture.CertSecret));
    }

    [Fact]
    public async Task RateLimit_Answers429WithRetryAfter_PerCaller_AndRefillsWithTime()
    {
        await using var f = await ApiFixture.StartAsync(new Dictionary<string, string> { ["ApiRateLimit"] = "30", ["ApiRateBurst"] = "3" });
        await f.WriteApiKeyAsync("key-of-platform", ApiFixture.PlatformTeam);
        await f.WriteApiKeyAsync("key-of-bob", ApiFixture.BobSubject);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", token: null, apiKey: "key-of-platform")).Status);
        }

        var (status, body, headers) = await f.ExchangeAsync(HttpMethod.Get, "/v1/secret-groups", token: null, apiKey: "key-of-platform");
        ApiFixture.AssertError(HttpStatusCode.TooManyRequests, (status, body), "rate_limited");
        Assert.Equal(TimeSpan.FromSeconds(2), headers.RetryAfter?.Delta);

        // Another caller has a bucket of its own.
        Assert.Equal(HttpStatusCode.OK, (await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", token: null, apiKey: "key-of-bob")).Status);

        // Past Retry-After, one more request, then the limit again.
        f.H.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.OK, (await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", token: null, apiKey: "key-of-platform")).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", token: null, apiKey: "key-of-platform")).Status);
    }

    [Fact]
    public async Task AuthenticationOutcomes_AreCachedBriefly_AndUnknownCredentialsSpendTheAddresssLimit()
    {
        await using var f = await ApiFixture.StartAsync(new Dictionary<string, string> { ["ApiRateBurst"] = "5" });
        await f.WriteApiKeyAsync("key-of-platform", ApiFixture.PlatformTeam);
        var before = KeyReads(f);

        // Known key: one lookup for many requests while the outcome is fresh, a new one after it expires.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", token: null, apiKey: "key-of-platform")).Status);
        }

        Assert.Equal(before + 1, KeyReads(f));
        f.H.Time.Advance(AuthenticationCache.Ttl + TimeSpan.FromSeconds(1));

        // Unknown keys from one address: each costs a lookup until the address's bucket (refilled to 5 meanwhile) is
        // empty, then 429 without one.
        var reads = KeyReads(f);
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            answers.Add((await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", token: null, apiKey: $"guess-{i}")).Status);
        }

        Assert.Equal(5, answers.Count(a => a == HttpStatusCode.Unauthorized));
        Assert.Equal(2, answers.Count(a => a == HttpStatusCode.TooManyRequests));
        Assert.Equal(reads + 5, KeyReads(f));

        // A refused key is refused again from the cache, without a lookup or a charge.
        Assert.Equal(HttpStatusCode.Unauthorized, (await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", token: null, apiKey: "guess-0")).Status);
        Assert.Equal(reads + 5, KeyReads(f));
    }

    [Fact]
    public async Task ServiceAccountToken_ForTheApiServersAudience_Is401_ForTheApisAudience_IsAccepted()
    {
        await using var f = await ApiFixture.StartAsync();
        var id = await f.CreateAsync("audience");

        // The same ServiceAccount (a tenant admin): its ordinary token would also open the Kubernetes API, so a
        // replayed API call must not carry it; the token requested for secretgroup-api is the only one accepted.
        ApiFixture.AssertError(HttpStatusCode.Unauthorized, await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", f.WrongAudience), "unauthenticated", "--audience secretgroup-api");
        ApiFixture.AssertError(HttpStatusCode.Unauthorized, await f.SetAsync(id, f.WrongAudience, ("K", "v")), "unauthenticated");
        Assert.Equal(HttpStatusCode.OK, (await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", f.Admin)).Status);
        Assert.Empty(await f.StoreValuesAsync("audience"));
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413_AndChangesNothing()
    {
        await using var f = await ApiFixture.StartAsync();
        var id = await f.CreateAsync("big");
        var body = JsonSerializer.Serialize(new { secrets = new[] { new { key = "K", value = new string('x', (int)SecretApiServer.MaxRequestBodyBytes) } } });

        // As curl sends a large upload: Expect: 100-continue. The API decides from Content-Length alone, before
        // authentication, so the body is never sent; the bound only keeps a server that reads it anyway from hanging.
        using var http = new HttpClient(TestClients.TrustingOnlyExpectingContinue(f.Ca!, f.H.Time.GetUtcNow, TimeSpan.FromSeconds(30))) { BaseAddress = f.Http.BaseAddress };
        foreach (var token in new[] { f.Admin, null })
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/secret-groups/{id}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.ExpectContinue = true;
            request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            var answer = (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));

            ApiFixture.AssertError(HttpStatusCode.RequestEntityTooLarge, answer, "body_too_large", "body:");
        }

        Assert.Empty(await f.StoreValuesAsync("big"));
        Assert.Null((await f.H.GetGroupAsync(ApiFixture.Ns, "big"))!.Spec.Secrets);
    }

    private static int KeyReads(ApiFixture f) => f.H.Emulator.Requests.Count(r => r.Method == "GET" && r.Path == KeysSecretPath);

    /// <summary>The certificate the listener presents to a client that asks for <paramref name="serviceName"/> and trusts only <paramref name="ca"/>.</summary>
    private static async Task<X509Certificate2> ServedCertificateAsync(Uri address, string serviceName, byte[] ca, DateTimeOffset now)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        using var validating = TestClients.TrustingOnly(ca, () => now);
        X509Certificate2? served = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, errors) =>
        {
            served = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return served is not null && validating.ServerCertificateCustomValidationCallback!(new HttpRequestMessage(), served, null, errors);
        });
        await tls.AuthenticateAsClientAsync(serviceName);
        return served!;
    }

    private static async Task<HttpStatusCode?> AnswerOrNullAsync(HttpClient http, HttpRequestMessage request)
    {
        try
        {
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
