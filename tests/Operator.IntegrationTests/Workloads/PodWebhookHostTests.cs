using Operator.Manifests;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Operator.Entities.V1Alpha1;
using Operator.Hosting;
using Operator.Runtime;
using Operator.Testing;
using Operator.Testing.Kube;
using Operator.Webhooks;

namespace Operator.IntegrationTests.Workloads;

/// <summary>The operator host with <c>--webhook-enabled</c>: informer cache, certificate and HTTPS endpoint wired together.</summary>
public sealed class PodWebhookHostTests
{
    private const string OperatorNs = "secretgroup-system";

    [Fact]
    public async Task EnabledWebhook_ResolvesReferencesFromTheInformerCache_OverHttps()
    {
        await using var kube = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { EnforceRbac = true });
        using var client = kube.CreateClient();
        await CrdInstaller.InstallAsync(client, CancellationToken.None);
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = OperatorNs } });
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-b" } });
        await client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(new V1MutatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = "secretgroup-operator" },
            Webhooks = [new V1MutatingWebhook { Name = "pods.secrets.tfy.dev", AdmissionReviewVersions = ["v1"], SideEffects = "None", ClientConfig = new Admissionregistrationv1WebhookClientConfig { Url = "https://localhost/mutate-pods" } }],
        });

        using var operatorClient = kube.CreateClient(await ShippedRbac.InstallAsync(client, CancellationToken.None)); // the operator runs under config/rbac
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tenant"] = "acme",
            ["Namespace"] = OperatorNs,
            ["LeaderElect"] = "false",
            ["WebhookEnabled"] = "true",
            ["WebhookPort"] = "0",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(operatorClient);
        builder.Services.AddSecretGroupOperator(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await new ResourceClient<SecretGroup>(client).CreateAsync(new SecretGroup
            {
                Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "team-b" },
                Spec = new SecretGroupSpec { IntegrationFqn = "acme:kubernetes:local:secret-store:none", Secrets = [new SecretKeySpec { Key = "PASSWORD" }] },
            }, CancellationToken.None);
            var cache = host.Services.GetRequiredService<IResourceCache<SecretGroup>>();
            await OperatorHarness.WaitForAsync(() => Task.FromResult(cache.Get(new ObjectKey("team-b", "db")) is not null), "group in the informer cache");

            var caBundle = (await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync("secretgroup-operator")).Webhooks.Single().ClientConfig.CaBundle;
            Assert.NotNull(caBundle);
            Assert.NotNull(await client.CoreV1.ReadNamespacedSecretAsync("secretgroup-operator-webhook-tls", OperatorNs));

            using var handler = TestClients.TrustingOnly(caBundle);
            using var http = new HttpClient(handler);
            const string review = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-7","kind":{"group":"","version":"v1","kind":"Pod"},
                 "namespace":"team-b","operation":"CREATE","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},
                 "spec":{"containers":[{"name":"app","image":"app:1","env":[{"name":"P","value":"tfy-secret://acme:db:PASSWORD"}]}]}}}}
                """;
            using var content = new StringContent(review);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var port = host.Services.GetRequiredService<WebhookServer>().Port;
            using var response = await http.PostAsync(new Uri($"https://localhost:{port}/mutate-pods"), content);

            response.EnsureSuccessStatusCode();
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response"]!;
            Assert.Equal("u-7", answer["uid"]!.GetValue<string>());
            var patch = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(answer["patch"]!.GetValue<string>())))!;
            Assert.Equal("/spec/containers/0/env/0", patch[0]!["path"]!.GetValue<string>());
            Assert.Equal("db", patch[0]!["value"]!["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>());
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.Empty(ShippedRbac.ForbiddenRequests(kube)); // the webhook's caBundle and cache need nothing config/rbac lacks
    }
}
