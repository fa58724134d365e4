using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Operator.Entities.V1Alpha1;
using Operator.Hosting;
using Operator.IntegrationTests.Api;
using Operator.RestApi;
using Operator.Runtime;
using Operator.Testing;
using Operator.Testing.Kube;
using Operator.Testing.Stores.Aws;
using Operator.Testing.Stores.Hashicorp;
using Operator.Webhooks;

namespace Operator.IntegrationTests;

/// <summary>
/// One run of the real program (Program.CreateApplication: REST API, webhook, /metrics) through syncs from three stores,
/// bad references, store failures and API calls, all with canary values and credentials; then everything observable
/// is collected and searched for every canary, while the managed Secrets must hold them.
/// </summary>
public sealed partial class CanaryScanTests(ITestOutputHelper output)
{
    private const string Tenant = "acme";
    private const string Source = OperatorHarness.SourceNamespace;
    private const string Ns = "team-c";
    private const string OperatorNs = "secretgroup-system";
    private const string K8sFqn = "acme:kubernetes:local:secret-store:k8s-store";
    private const string VaultFqn = "acme:hashicorp:local:secret-store:vault";
    private const string SsmFqn = "acme:aws:local:secret-store:aws-ssm";

    private readonly List<string> canaries = [];
    private readonly List<string> responses = [];

    [Fact]
    public async Task EveryCanary_ReachesItsManagedSecret_AndNothingObservableCarriesOne()
    {
        var ct = TestContext.Current.CancellationToken;
        var firstChance = new List<string>();
        void OnFirstChance(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            lock (firstChance)
            {
                firstChance.Add($"{e.Exception.GetType().Name}: {e.Exception.Message}");
            }
        }

        await using var kube = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { EnforceRbac = true }, ct);
        using var client = kube.CreateClient();
        await using var vault = await VaultFake.StartAsync(cancellationToken: ct);
        await using var ssm = await SsmFake.StartAsync(cancellationToken: ct);
        var mount = Directory.CreateTempSubdirectory("canary-mount-");
        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        try
        {
            // Credentials: a Vault token, AWS keys, a bearer token and an API key, each a canary.
            var vaultToken = vault.AddToken();
            canaries.Add(vaultToken);
            var awsKeyId = "AKIA" + RandomNumberGenerator.GetHexString(16);
            canaries.Add(awsKeyId);
            ssm.AllowAccessKey(awsKeyId);
            await File.WriteAllTextAsync(Path.Combine(mount.FullName, "VAULT_TOKEN"), vaultToken, ct);
            await File.WriteAllTextAsync(Path.Combine(mount.FullName, "AWS_ACCESS_KEY_ID"), awsKeyId, ct);
            await File.WriteAllTextAsync(Path.Combine(mount.FullName, "AWS_SECRET_ACCESS_KEY"), NewCanary("aws-secret"), ct);
            var apiKey = NewCanary("api-key");

            await SetUpClusterAsync(client, vault, ssm, apiKey);

            // A tenant admin's ServiceAccount token for the API's audience: a JWT the test does not choose, so it is a canary once issued.
            var bearer = await Api.ApiCallers.TokenAsync(client, "platform", "root");
            canaries.Add(bearer);
            using var operatorClient = kube.CreateClient(await ShippedRbac.InstallAsync(client, ct)); // the operator runs under config/rbac
            var values = await SeedStoresAsync(client, vault, ssm);

            var (health, metricsPort) = (LoopbackPorts.Free(), LoopbackPorts.Free());
            await using var app = Program.CreateApplication(
                [
                    $"--tenant={Tenant}", $"--namespace={OperatorNs}", "--leader-elect=false", "--log-format=json", $"--health-port={health}",
                    $"--metrics-port={metricsPort}", $"--tfy-k8s-secrets-path={mount.FullName}", "--api-enabled=true", "--api-port=0",
                    $"--api-namespace={Ns}", $"--tenant-admins={Api.ApiCallers.Team("platform")}", "--webhook-enabled=true", "--webhook-port=0",
                ],
                builder =>
                {
                    builder.Services.AddSingleton(operatorClient);
                    builder.Logging.ClearProviders();
                    builder.Logging.SetMinimumLevel(LogLevel.Trace);
                    builder.Logging.AddFakeLogging();
                });
            await app.StartAsync(ct);

            // Syncs from the three stores, an alias, and the bad references.
            foreach (var (group, expected) in values)
            {
                await WaitForSecretAsync(client, group, expected);
            }

            await WaitForGroupAsync(client, "bad-missing", "False");
            await WaitForGroupAsync(client, "bad-syntax", "False");
            Assert.Null(await SecretOrNullAsync(client, "bad-own-credentials"));

            // REST API: create, set canary values, read back; refused writes that carry canaries; a wrong token; an API key.
            var apiCa = (await client.CoreV1.ReadNamespacedSecretAsync("secretgroup-operator-api-tls", OperatorNs, cancellationToken: ct)).Data["ca.crt"];
            using var api = new HttpClient(TestClients.TrustingOnly(apiCa)) { BaseAddress = app.Services.GetRequiredService<SecretApiServer>().BaseAddress };
            var created = await SendAsync(api, HttpMethod.Put, "/v1/secret-groups", bearer, ApiFixture.Manifest("api-canary", K8sFqn));
            Assert.Equal(HttpStatusCode.OK, created.Status);
            var id = JsonDocument.Parse(created.Body).RootElement.GetProperty("id").GetString()!;
            var (a, b) = (NewCanary("api-a"), NewCanary("api-b"));
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(api, HttpMethod.Put, $"/v1/secret-groups/{id}", bearer, Values(("A", a), ("B", b)))).Status);
            await WaitForSecretAsync(client, "api-canary", new() { ["A"] = a, ["B"] = b });
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(api, HttpMethod.Get, $"/v1/secret-groups/{id}", bearer)).Status);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(api, HttpMethod.Get, $"/v1/secret-groups?fqn={Tenant}:api-canary", bearer)).Status);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(api, HttpMethod.Get, "/v1/secret-groups", null, apiKey: apiKey)).Status);
            var refused = NewCanary("refused");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(api, HttpMethod.Put, $"/v1/secret-groups/{id}", bearer, Values(("A", refused), ("A", refused)))).Status);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(api, HttpMethod.Put, $"/v1/secret-groups/{id}", bearer, Values(("bad key", refused)))).Status);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(api, HttpMethod.Put, $"/v1/secret-groups/{id}", bearer, raw: $$"""{"secrets": [{"key": "A", "value": {{refused}}}]}""")).Status);
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(api, HttpMethod.Get, "/v1/secret-groups", NewCanary("wrong-token"))).Status);

            // The pod webhook: a reference to a canary group, and one to another namespace (refused).
            await AdmitPodsAsync(client, app.Services.GetRequiredService<WebhookServer>().Port);

            // Store failures on a re-read (a spec change): the built-in store answers 503, Vault 500; the Secrets stay.
            kube.Faults.FailShare(1.0, 503, match: r => r.Path.StartsWith($"/api/v1/namespaces/{Source}/secrets", StringComparison.Ordinal));
            vault.FailShare(1.0, 500);
            await BumpAsync(client, "k8s-canary");
            await BumpAsync(client, "vault-canary");
            await WaitForGroupAsync(client, "k8s-canary", "False");
            await WaitForGroupAsync(client, "vault-canary", "False");
            kube.Faults.Clear();

            // Every managed Secret still holds its canaries: the scan below could fail.
            foreach (var (group, expected) in values)
            {
                await WaitForSecretAsync(client, group, expected);
            }

            var observed = await CollectAsync(client, app, metricsPort, health);
            List<string> exceptions;
            lock (firstChance)
            {
                exceptions = [.. firstChance];
            }

            // The scan covers the failure paths: their messages are the likeliest to leak.
            var all = string.Join("\n", observed.Select(o => o.Text));
            string[] covered = ["SecretNotFound", "InvalidReference", "StoreUnavailable", "HTTP 503", "HTTP 500", "reason=\"Unavailable\"", "\"type\":\"Warning\"", "validation_failed", "unauthenticated", "secretKeyRef"];
            Assert.All(covered, c => Assert.Contains(c, all, StringComparison.Ordinal));

            output.WriteLine($"scanned {observed.Sum(o => o.Text.Length)} characters from {observed.Count} sources for {canaries.Count} canaries; {exceptions.Count} first-chance exceptions");
            foreach (var canary in canaries)
            {
                var forms = new[] { canary, Convert.ToBase64String(Encoding.UTF8.GetBytes(canary)) };
                foreach (var (source, text) in observed)
                {
                    Assert.False(forms.Any(f => text.Contains(f, StringComparison.Ordinal)), $"canary {canary} found in {source}");
                }

                Assert.DoesNotContain(exceptions, e => forms.Any(f => e.Contains(f, StringComparison.Ordinal)));
            }

            await app.StopAsync(ct);
            Assert.Empty(ShippedRbac.ForbiddenRequests(kube)); // REST API, webhook and syncs need nothing config/rbac lacks
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;
            mount.Delete(recursive: true);
        }
    }

    private string NewCanary(string what)
    {
        var canary = $"canary-{what}-{RandomNumberGenerator.GetHexString(12, lowercase: true)}";
        canaries.Add(canary);
        return canary;
    }

    /// <summary>Everything a person or another program could see, by source.</summary>
    private async Task<List<(string Source, string Text)>> CollectAsync(IKubernetes client, WebApplication app, int metricsPort, int healthPort)
    {
        var observed = new List<(string, string)>();
        foreach (var r in app.Services.GetFakeLogCollector().GetSnapshot())
        {
            observed.Add(($"log {r.Category}", $"{r.Level} {r.Message} {string.Join(",", r.StructuredState?.Select(p => $"{p.Key}={p.Value}") ?? [])} " +
                $"{string.Join(",", r.Scopes.Select(s => s?.ToString()))} {r.Exception}"));
        }

        observed.Add(("events.k8s.io Events", KubernetesJson.Serialize(await client.EventsV1.ListEventForAllNamespacesAsync())));
        observed.Add(("core Events", KubernetesJson.Serialize(await client.CoreV1.ListEventForAllNamespacesAsync())));
        observed.Add(("SecretGroups", KubernetesJson.Serialize(await new ResourceClient<SecretGroup>(client).ListAsync(null, null, CancellationToken.None))));
        observed.Add(("SecretStoreIntegrations", KubernetesJson.Serialize(await new ResourceClient<SecretStoreIntegration>(client).ListAsync(null, null, CancellationToken.None))));
        observed.Add(("Roles", KubernetesJson.Serialize(await client.RbacAuthorizationV1.ListRoleForAllNamespacesAsync())));
        observed.Add(("RoleBindings", KubernetesJson.Serialize(await client.RbacAuthorizationV1.ListRoleBindingForAllNamespacesAsync())));
        var managed = await client.CoreV1.ListNamespacedSecretAsync(Ns);
        observed.Add(("managed Secrets' metadata", KubernetesJson.Serialize(managed.Items.Select(s => s.Metadata).ToList())));
        using var http = new HttpClient();
        var metrics = "";
        await OperatorHarness.WaitForAsync(
            async () =>
            {
                metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"));
                return metrics.Contains("operator_store_errors_total{", StringComparison.Ordinal);
            },
            "store errors in a scrape");
        observed.Add(("/metrics", metrics));
        observed.Add(("/healthz /readyz", await http.GetStringAsync(new Uri($"http://127.0.0.1:{healthPort}/healthz")) + await http.GetStringAsync(new Uri($"http://127.0.0.1:{healthPort}/readyz"))));
        observed.AddRange(responses.Select(r => ("responses", r)));
        return observed;
    }

    private static async Task WaitForSecretAsync(IKubernetes client, string name, Dictionary<string, string> expected)
    {
        Dictionary<string, string>? last = null;
        await OperatorHarness.WaitForAsync(
            async () =>
            {
                var secret = await SecretOrNullAsync(client, name);
                last = secret?.Data?.ToDictionary(p => p.Key, p => Encoding.UTF8.GetString(p.Value));
                return last is not null && last.Count == expected.Count && expected.All(p => last.GetValueOrDefault(p.Key) == p.Value);
            },
            $"managed Secret {Ns}/{name} with its canaries",
            () => last is null ? "none" : string.Join(",", last.Keys));
    }

    private static async Task<V1Secret?> SecretOrNullAsync(IKubernetes client, string name)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(name, Ns);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task WaitForGroupAsync(IKubernetes client, string name, string ready)
    {
        SecretGroup? last = null;
        await OperatorHarness.WaitForAsync(
            async () =>
            {
                last = await new ResourceClient<SecretGroup>(client).GetAsync(new ObjectKey(Ns, name), CancellationToken.None);
                return last?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == ready;
            },
            $"group {Ns}/{name} Ready={ready}",
            () => KubernetesJson.Serialize(last?.Status));
    }
}
