using Operator.Manifests;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Hosting;
using Operator.Runtime;
using Operator.Testing.Stores.Aws;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.IntegrationTests;

/// <summary>The canary scan's world: namespaces, integrations on three stores, canary values, groups good and bad, webhook calls.</summary>
public sealed partial class CanaryScanTests
{
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
        // The CRD's CEL rule makes the API server refuse a group reading the operator's own credentials.
        var refused = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() =>
            CreateGroupAsync(client, "bad-own-credentials", K8sFqn, ["TOKEN"], ("TOKEN", "tfy-k8s-secret://VAULT_TOKEN")));
        Assert.Contains("tfy-k8s-secret:// references are only allowed in SecretStoreIntegration fields", refused.Response.Content, StringComparison.Ordinal);
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
        using var handler = TestClients.TrustingOnly(caBundle);
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
}
