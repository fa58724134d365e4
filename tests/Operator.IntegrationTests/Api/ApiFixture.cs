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

/// <summary>The operator with the REST API enabled on 127.0.0.1 port 0, known tokens and an HttpClient that records every body.</summary>
public sealed class ApiFixture : IAsyncDisposable
{
    public const string Ns = "team-a";
    public const string Admin = "t-admin";
    public const string Alice = "t-alice";
    public const string Bob = "t-bob";
    public const string Carol = "t-carol";
    public const string Dave = "t-dave";

    private ApiFixture(OperatorHarness harness, HttpClient http)
    {
        H = harness;
        Http = http;
    }

    public OperatorHarness H { get; }

    public HttpClient Http { get; }

    /// <summary>Every response body so far, for the canary checks.</summary>
    public List<string> Bodies { get; } = [];

    /// <summary>Collaborators used by most tests: alice admin, bob editor, team:ml (carol) viewer.</summary>
    public static object[] Collaborators =>
    [
        new { role_id = "secret-group-admin", subject = "user:alice" },
        new { role_id = "secret-group-editor", subject = "user:bob" },
        new { role_id = "secret-group-viewer", subject = "team:ml" },
    ];

    public static async Task<ApiFixture> StartAsync()
    {
        var h = await OperatorHarness.StartAsync(startOperator: false);
        h.Settings["ApiEnabled"] = "true";
        h.Settings["ApiPort"] = "0";
        h.Settings["ApiNamespace"] = Ns;
        h.Settings["TenantAdmins"] = "team:platform";
        await h.CreateNamespaceAsync(Ns);
        await h.CreateNamespaceAsync("team-b");
        await h.StartOperatorAsync();
        h.Emulator.RegisterToken(Admin, "root", "platform");
        h.Emulator.RegisterToken(Alice, "alice");
        h.Emulator.RegisterToken(Bob, "bob", "dev");
        h.Emulator.RegisterToken(Carol, "carol", "ml");
        h.Emulator.RegisterToken(Dave, "dave", "other");
        await h.CreateIntegrationAsync();
        var address = h.Host!.Services.GetRequiredService<SecretApiServer>().BaseAddress!;
        Assert.Equal("127.0.0.1", address.Host);
        return new ApiFixture(h, new HttpClient { BaseAddress = address });
    }

    public static object Manifest(string name, string? integration = null, object[]? collaborators = null) => new
    {
        manifest = new { type = "secret-group", name, integration_fqn = integration ?? $"{OperatorHarness.DefaultTenant}:kubernetes:local:secret-store:k8s-store", collaborators = collaborators ?? Collaborators },
        dryRun = false,
    };

    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? token, object? body = null, string? apiKey = null, string? rawBody = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
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

        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
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

    public async Task WriteApiKeyAsync(string key, string subject)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "secretgroup-api-keys", NamespaceProperty = OperatorHarness.OperatorNamespace },
            Data = new Dictionary<string, byte[]> { [hash] = Encoding.UTF8.GetBytes(subject) },
        };
        await H.Client.CoreV1.CreateNamespacedSecretAsync(secret, OperatorHarness.OperatorNamespace);
    }

    public static void AssertError(HttpStatusCode expected, (HttpStatusCode Status, JsonNode? Body) actual, string code, string? messagePart = null)
    {
        Assert.Equal(expected, actual.Status);
        Assert.Equal(code, (string?)actual.Body?["error"]?["code"]);
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
