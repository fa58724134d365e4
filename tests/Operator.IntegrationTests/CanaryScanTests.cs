using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
using Operator.Testing.Stores.Ssm;
using Operator.Testing.Stores.Vault;
using Operator.Webhooks;

namespace Operator.IntegrationTests;

/// <summary>
/// One run of the real program (Program.CreateApplication: REST API, webhook, /metrics) through syncs from three stores,
/// bad references, store failures and API calls, all with canary values and credentials; then everything observable
/// is collected and searched for every canary, while the managed Secrets must hold them.
/// </summary>
public sealed class CanaryScanTests(ITestOutputHelper output)
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

        await using var kube = await KubeApiEmulator.StartAsync(cancellationToken: ct);
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
            var bearer = NewCanary("bearer");
            kube.RegisterToken(bearer, "root", "platform");
            var apiKey = NewCanary("api-key");

            await SetUpClusterAsync(client, vault, ssm, apiKey);
            var values = await SeedStoresAsync(client, vault, ssm);

            var (health, metricsPort) = (OperatorProcess.FreePort(), OperatorProcess.FreePort());
            await using var app = Program.CreateApplication(
                [
                    $"--tenant={Tenant}", $"--namespace={OperatorNs}", "--leader-elect=false", "--log-format=json", $"--health-port={health}",
                    $"--metrics-port={metricsPort}", $"--tfy-k8s-secrets-path={mount.FullName}", "--api-enabled=true", "--api-port=0",
                    $"--api-namespace={Ns}", "--tenant-admins=team:platform", "--webhook-enabled=true", "--webhook-port=0",
                ],
                builder =>
                {
                    builder.Services.AddSingleton(client);
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
            await WaitForGroupAsync(client, "bad-own-credentials", "False");
            await WaitForGroupAsync(client, "bad-syntax", "False");
            Assert.Null(await SecretOrNullAsync(client, "bad-own-credentials"));

            // REST API: create, set canary values, read back; refused writes that carry canaries; a wrong token; an API key.
            using var api = new HttpClient { BaseAddress = app.Services.GetRequiredService<SecretApiServer>().BaseAddress };
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

    private static async Task SetUpClusterAsync(IKubernetes client, VaultFake vault, SsmFake ssm, string apiKey)
    {
        await CrdInstaller.InstallAsync(client, CancellationToken.None);
        foreach (var ns in new[] { Source, Ns, "team-other", OperatorNs })
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        }

        await client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(new V1MutatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = "secretgroup-operator" },
            Webhooks = [new V1MutatingWebhook { Name = "pods.secrets.tfy.dev", AdmissionReviewVersions = ["v1"], SideEffects = "None", ClientConfig = new Admissionregistrationv1WebhookClientConfig { Url = "https://localhost/mutate-pods" } }],
        });
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
        await client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "secretgroup-api-keys", NamespaceProperty = OperatorNs }, Data = new Dictionary<string, byte[]> { [hash] = Encoding.UTF8.GetBytes("user:ci") } },
            OperatorNs);

        var integrations = new ResourceClient<SecretStoreIntegration>(client);
        await integrations.CreateAsync(Integration("k8s-store", s => s.Kubernetes = new KubernetesStoreSpec { SourceNamespace = Source }), CancellationToken.None);
        await integrations.CreateAsync(
            Integration("vault", s => s.Hashicorp = new HashicorpStoreSpec { Url = vault.BaseAddress.ToString(), RootPath = "tfy-secret", Auth = new HashicorpAuthSpec { Token = "tfy-k8s-secret://VAULT_TOKEN" } }),
            CancellationToken.None);
        await integrations.CreateAsync(
            Integration("aws-ssm", s => s.Aws = new AwsStoreSpec
            {
                Region = SsmFake.Region,
                Endpoint = ssm.Url,
                Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY" },
            }),
            CancellationToken.None);
    }

    private static SecretStoreIntegration Integration(string name, Action<SecretStoreIntegrationSpec> store)
    {
        var spec = new SecretStoreIntegrationSpec { ProviderAccount = "local" };
        store(spec);
        return new SecretStoreIntegration { Metadata = new V1ObjectMeta { Name = name }, Spec = spec };
    }

    /// <summary>Canary values in each store and the groups that read them; returns each group's expected Secret data.</summary>
    private async Task<Dictionary<string, Dictionary<string, string>>> SeedStoresAsync(IKubernetes client, VaultFake vault, SsmFake ssm)
    {
        var k8s = new Dictionary<string, string> { ["API_KEY"] = NewCanary("k8s-api"), ["DB_PASSWORD"] = NewCanary("k8s-db") };
        var inVault = new Dictionary<string, string> { ["API_KEY"] = NewCanary("vault-api"), ["TOKEN"] = NewCanary("vault-token") };
        var inSsm = new Dictionary<string, string> { ["API_KEY"] = NewCanary("ssm-api") };
        var beside = NewCanary("beside-missing");
        await SourceSecretAsync(client, "k8s-canary", k8s);
        await SourceSecretAsync(client, "bad-missing", new() { ["PRESENT"] = beside });
        foreach (var (key, value) in inVault)
        {
            vault.Seed("tfy-secret/acme/vault-canary", key, value);
        }

        ssm.Seed("/tfy-secret/acme/ssm-canary/API_KEY", inSsm["API_KEY"]);

        await CreateGroupAsync(client, "k8s-canary", K8sFqn, k8s.Keys);
        await CreateGroupAsync(client, "vault-canary", VaultFqn, inVault.Keys);
        await CreateGroupAsync(client, "ssm-canary", SsmFqn, inSsm.Keys);
        await CreateGroupAsync(client, "alias-canary", K8sFqn, ["COPY"], ("COPY", "tfy-secret://acme:k8s-canary:API_KEY"));
        await CreateGroupAsync(client, "bad-missing", K8sFqn, ["PRESENT", "ABSENT"]);
        await CreateGroupAsync(client, "bad-own-credentials", K8sFqn, ["TOKEN"], ("TOKEN", "tfy-k8s-secret://VAULT_TOKEN"));
        await CreateGroupAsync(client, "bad-syntax", K8sFqn, ["X"], ("X", "tfy-secret://acme:"));
        return new()
        {
            ["k8s-canary"] = k8s,
            ["vault-canary"] = inVault,
            ["ssm-canary"] = inSsm,
            ["alias-canary"] = new() { ["COPY"] = k8s["API_KEY"] },
        };
    }

    private static async Task SourceSecretAsync(IKubernetes client, string group, Dictionary<string, string> values) =>
        await client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = $"{Tenant}.{group}", NamespaceProperty = Source },
                Data = values.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)),
            },
            Source);

    private static Task<SecretGroup> CreateGroupAsync(IKubernetes client, string name, string fqn, IEnumerable<string> keys, (string Key, string Ref)? remote = null) =>
        new ResourceClient<SecretGroup>(client).CreateAsync(
            new SecretGroup
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
                Spec = new SecretGroupSpec
                {
                    IntegrationFqn = fqn,
                    RefreshInterval = "1h",
                    Secrets = [.. keys.Select(k => new SecretKeySpec { Key = k, RemoteRef = remote is { } r && r.Key == k ? r.Ref : null })],
                },
            },
            CancellationToken.None);

    /// <summary>A spec change (so a new generation): the group is read from its store again at once.</summary>
    private static async Task BumpAsync(IKubernetes client, string group)
    {
        var api = new ResourceClient<SecretGroup>(client);
        var current = (await api.GetAsync(new ObjectKey(Ns, group), CancellationToken.None))!;
        current.Spec.RefreshInterval = "59m";
        await api.ReplaceAsync(current, CancellationToken.None);
    }

    private static object Values(params (string Key, string Value)[] secrets) => new { secrets = secrets.Select(s => new { key = s.Key, value = s.Value }).ToArray() };

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? token, object? body = null, string? raw = null, string? apiKey = null)
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

        if (raw is not null || body is not null)
        {
            request.Content = new StringContent(raw ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        responses.Add($"REST {method} {path} -> {(int)response.StatusCode} {response.Headers} {text}");
        return (response.StatusCode, text);
    }

    private async Task AdmitPodsAsync(IKubernetes client, int port)
    {
        var caBundle = (await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync("secretgroup-operator")).Webhooks.Single().ClientConfig.CaBundle;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(caBundle)));
                return certificate is not null && chain.Build(certificate);
            },
        };
        using var http = new HttpClient(handler);
        foreach (var (ns, reference) in new[] { (Ns, "tfy-secret://acme:k8s-canary:API_KEY"), ("team-other", "tfy-secret://acme:vault-canary:TOKEN") })
        {
            var review = JsonSerializer.Serialize(new
            {
                apiVersion = "admission.k8s.io/v1",
                kind = "AdmissionReview",
                request = new
                {
                    uid = $"u-{ns}",
                    kind = new { group = "", version = "v1", kind = "Pod" },
                    @namespace = ns,
                    operation = "CREATE",
                    @object = new
                    {
                        apiVersion = "v1",
                        kind = "Pod",
                        metadata = new { name = "web" },
                        spec = new { containers = new[] { new { name = "app", image = "app:1", env = new[] { new { name = "P", value = reference } } } } },
                    },
                },
            });
            using var content = new StringContent(review);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(new Uri($"https://localhost:{port}/mutate-pods"), content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = JsonDocument.Parse(text).RootElement.GetProperty("response");
            var patch = answer.TryGetProperty("patch", out var p) ? Encoding.UTF8.GetString(Convert.FromBase64String(p.GetString()!)) : "";
            Assert.Equal(ns == Ns, answer.GetProperty("allowed").GetBoolean());
            responses.Add($"webhook {ns} -> {text} patch {patch}");
        }
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
