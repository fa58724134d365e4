using System.Security.Cryptography;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests;

/// <summary>
/// Credentials written into an endpoint (user info, a query token) are never repeated by the operator: not in status,
/// Events, logs or exceptions. The message still names the field and shows the endpoint with the credentials as ***.
/// </summary>
public sealed class EndpointRedactionTests
{
    private readonly string password = $"canary-pass-{RandomNumberGenerator.GetHexString(12, lowercase: true)}";
    private readonly string token = $"canary-token-{RandomNumberGenerator.GetHexString(12, lowercase: true)}";

    [Fact]
    public async Task CredentialsInAnEndpoint_AreRedactedInStatusEventsLogsAndExceptions()
    {
        var exceptions = new List<string>();
        void OnFirstChance(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            lock (exceptions)
            {
                exceptions.Add($"{e.Exception.GetType().Name}: {e.Exception.Message}");
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        try
        {
            await using var h = await OperatorHarness.StartAsync();
            h.WriteMountedSecret("VAULT_TOKEN", "s.vault-token");
            var cases = new Dictionary<string, (Action<SecretStoreIntegrationSpec> Spec, string Field)>
            {
                ["vault-userinfo"] = (s => s.Hashicorp = Vault($"https://admin:{password}@vault.example.com:8200"), "spec.hashicorp.url"),
                ["vault-query"] = (s => s.Hashicorp = Vault($"https://vault.example.com:8200/?token={token}"), "spec.hashicorp.url"),
                ["gcp-endpoint"] = (s => s.Gcp = new GcpStoreSpec { ProjectId = "my-project", Endpoint = $"ftp://admin:{password}@gcp.example.com/?access_token={token}" }, "spec.gcp.endpoint"),
                ["azure-url"] = (s => s.Azure = new AzureStoreSpec { VaultUrl = $"https://admin:{password}@my-vault.vault.azure.net/?sig={token}" }, "spec.azure.vaultUrl"),
                ["aws-endpoint"] = (s => s.Aws = new AwsStoreSpec { Region = "us-east-1", Endpoint = $"https://admin:{password}@ssm.example.com/?X-Amz-Security-Token={token}" }, "spec.aws.endpoint"),
            };
            foreach (var (name, (spec, _)) in cases)
            {
                await h.CreateIntegrationAsync(name, i =>
                {
                    i.Spec.Kubernetes = null;
                    spec(i.Spec);
                });
            }

            var api = new ResourceClient<SecretStoreIntegration>(h.Client);
            foreach (var (name, (_, field)) in cases)
            {
                V1Condition? ready = null;
                await OperatorHarness.WaitForAsync(
                    async () =>
                    {
                        ready = (await api.GetAsync(new ObjectKey(null, name), CancellationToken.None))?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
                        return ready is { Status: "False", Reason: "InvalidSpec" };
                    },
                    $"integration {name} refused",
                    () => ready?.Message ?? "no condition");
                Assert.Contains(field, ready!.Message, StringComparison.Ordinal);
            }

            // Everything a person or a log pipeline sees; the specs themselves hold what the user wrote and are not scanned.
            await OperatorHarness.WaitForAsync(async () => (await h.Client.EventsV1.ListNamespacedEventAsync("default")).Items.Count >= cases.Count, "an Event per integration");
            var statuses = (await api.ListAsync(null, null, CancellationToken.None)).Select(i => KubernetesJson.Serialize(i.Status));
            var events = KubernetesJson.Serialize(await h.Client.EventsV1.ListEventForAllNamespacesAsync());
            var logs = h.Host!.Services.GetFakeLogCollector().GetSnapshot().Select(r =>
                $"{r.Message} {string.Join(",", r.StructuredState?.Select(p => $"{p.Key}={p.Value}") ?? [])} {string.Join(";", r.Scopes.Select(s => s?.ToString()))} {r.Exception}");
            var observed = statuses.Concat([events]).Concat(logs).ToList();
            lock (exceptions)
            {
                observed.AddRange(exceptions);
            }

            Assert.Contains(observed, o => o.Contains("https://***@vault.example.com:8200", StringComparison.Ordinal));
            foreach (var canary in new[] { password, token })
            {
                Assert.DoesNotContain(observed, o => o.Contains(canary, StringComparison.Ordinal));
            }
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;
        }
    }

    private static HashicorpStoreSpec Vault(string url) => new() { Url = url, Auth = new HashicorpAuthSpec { Token = "tfy-k8s-secret://VAULT_TOKEN" } };
}
