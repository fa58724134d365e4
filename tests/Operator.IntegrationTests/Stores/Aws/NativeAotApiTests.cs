using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using k8s;
using Operator.IntegrationTests.Api;
using Operator.Testing;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// The Native AOT binary (<see cref="NativeAotOperator"/>) serving the REST API over its own TLS certificate: a group
/// created and its values set through the API (JSON in and out through ApiJson), the values in the SSM fake and in
/// the managed Secret, the group read back and listed.
/// </summary>
public sealed class NativeAotApiTests(ITestOutputHelper output)
{
    private const string Ns = "team-api";
    private const string AdminKey = "aot-admin-key-3b9f1d";

    [Fact]
    public async Task NativeAotBinary_RestApi_CreatesAGroup_SetsValues_ReadsAndListsIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var ssm = await NativeAotSmokeTests.StartSsmAsync(aot);
        await ApiFixture.WriteApiKeyAsync(aot.Client, AdminKey, "user:alice");
        var port = LoopbackPorts.Free();
        aot.Run([
            "--api-enabled", $"--api-port={port.ToString(CultureInfo.InvariantCulture)}", $"--api-namespace={Ns}", "--tenant-admins=user:alice"]);

        await aot.WaitForIntegrationReadyAsync(NativeAotSmokeTests.Integration);
        byte[]? ca = null;
        await aot.PollAsync(
            async () => (ca = (await TestClients.GetSecretOrNullAsync(aot.Client, ShippedRbac.Namespace, ApiFixture.CertSecret))?.Data?["ca.crt"]) is not null,
            "the API's certificate Secret");
        using var http = new HttpClient(TestClients.TrustingOnly(ca!)) { BaseAddress = new Uri($"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        await aot.PollAsync(() => AnswersAsync(http, ct), "the API to answer");

        var created = await SendAsync(http, HttpMethod.Put, "/v1/secret-groups", new
        {
            manifest = new
            {
                type = "secret-group",
                name = "payments",
                integration_fqn = NativeAotSmokeTests.Fqn,
                collaborators = new[] { new { role_id = "secret-group-editor", subject = "user:bob" } },
            },
            dryRun = false,
        }, ct);
        var id = (string)created["id"]!;
        Assert.Equal($"{NativeAotOperator.Tenant}:payments", (string?)created["fqn"]);
        Assert.Equal("user:bob", (string?)created["manifest"]!["collaborators"]![0]!["subject"]);

        var set = await SendAsync(http, HttpMethod.Put, $"/v1/secret-groups/{id}", new { secrets = new[] { new { key = "API_KEY", value = "api-aot-1" } } }, ct);
        Assert.Equal(["API_KEY"], set["associatedSecrets"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Equal("api-aot-1", ssm.Values[$"/tfy-secret/{NativeAotOperator.Tenant}/payments/API_KEY"]);
        await aot.PollAsync(
            async () => (await TestClients.GetSecretOrNullAsync(aot.Client, Ns, "payments"))?.Data?.TryGetValue("API_KEY", out var v) == true && v.SequenceEqual("api-aot-1"u8.ToArray()),
            "the managed Secret to hold the value set through the API");

        var read = await SendAsync(http, HttpMethod.Get, $"/v1/secret-groups/{id}", null, ct);
        Assert.Equal(id, (string?)read["id"]);
        var list = await SendAsync(http, HttpMethod.Get, "/v1/secret-groups", null, ct);
        Assert.Equal(1, (int)list["pagination"]!["total"]!);
        Assert.Equal(id, (string?)list["data"]![0]!["id"]);
        var secrets = await SendAsync(http, HttpMethod.Get, $"/v1/secrets?secret_group_id={id}&with_value=true", null, ct);
        var secret = Assert.Single(secrets["data"]!.AsArray());
        Assert.Equal("API_KEY", (string?)secret!["name"]);
        Assert.Equal("api-aot-1", (string?)secret["value"]);
        aot.AssertCleanRun();
    }

    private static async Task<bool> AnswersAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/v1/secret-groups", UriKind.Relative), ct);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
