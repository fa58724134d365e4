using System.Text;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing.Stores.Gcp;

namespace Operator.IntegrationTests.Stores;

/// <summary>SecretGroups on a GCP Secret Manager integration, end to end against the fake through the real client.</summary>
public sealed class GcpSyncTests
{
    private const string Ns = "team-gcp";
    private const string IntegrationName = "gcp-sm";
    private const string Fqn = $"{OperatorHarness.DefaultTenant}:gcp:local:secret-store:{IntegrationName}";

    private static Task CreateGcpIntegrationAsync(OperatorHarness h, GcpSecretManagerFake fake) =>
        h.CreateIntegrationAsync(IntegrationName, ssi =>
        {
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Gcp = new GcpStoreSpec
            {
                ProjectId = GcpSecretManagerFake.DefaultProject,
                Endpoint = fake.Endpoint.ToString(),
                Auth = new GcpAuthSpec { ServiceAccountKey = "tfy-k8s-secret://GCP_SA_KEY" },
            };
        });

    private static async Task<SecretStoreIntegration> WaitForIntegrationAsync(OperatorHarness h, string status, string reason)
    {
        SecretStoreIntegration? last = null;
        await OperatorHarness.WaitForAsync(async () =>
        {
            last = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, IntegrationName), CancellationToken.None);
            var ready = last?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            return ready?.Status == status && ready.Reason == reason;
        }, $"integration Ready={status} {reason}", () => KubernetesJson.Serialize(last?.Status));
        return last!;
    }

    private static string Value(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    [Fact]
    public async Task GroupOnGcp_IsSynced_AndARotatedVersionArrivesAfterTheInterval()
    {
        await using var fake = await GcpSecretManagerFake.StartAsync();
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        h.WriteMountedSecret("GCP_SA_KEY", fake.CreateServiceAccountKey().Json);
        fake.Seed("acme_payments_API__KEY", "sk-1");
        fake.Seed("acme_payments_tls_-crt", "cert-1");

        await CreateGcpIntegrationAsync(h, fake);
        var ssi = await WaitForIntegrationAsync(h, "True", "Validated");
        await h.CreateGroupAsync(Ns, "payments", ["API_KEY", "tls.crt"], g =>
        {
            g.Spec.IntegrationFqn = Fqn;
            g.Spec.RefreshInterval = "10m";
        });

        var first = await h.WaitForGroupAsync(Ns, "payments", "True", "Synced");
        var secret = (await h.GetSecretAsync(Ns, "payments"))!;
        Assert.Equal(Fqn, ssi.Status!.Fqn);
        Assert.Equal(("sk-1", "cert-1"), (Value(secret, "API_KEY"), Value(secret, "tls.crt")));
        var key = Assert.Single(first.Status!.Secrets!, s => s.Key == "API_KEY");
        Assert.Equal($"{Fqn}::acme_payments_API__KEY", key.RemoteRef);
        Assert.Equal("1", key.Version);

        Assert.Equal(2, fake.Seed("acme_payments_API__KEY", "sk-2"));
        await h.AdvanceAsync(TimeSpan.FromMinutes(9));
        await h.WaitForGroupAsync(Ns, "payments", "True");
        Assert.Equal("sk-1", Value((await h.GetSecretAsync(Ns, "payments"))!, "API_KEY"));

        await h.AdvanceAsync(TimeSpan.FromMinutes(1.5));
        var rotated = await h.WaitForGroupAsync(Ns, "payments", "True", and: g => g.Status!.LastSyncTime > first.Status.LastSyncTime);
        Assert.Equal("sk-2", Value((await h.GetSecretAsync(Ns, "payments"))!, "API_KEY"));
        Assert.Equal("2", rotated.Status!.Secrets!.Single(s => s.Key == "API_KEY").Version);
        Assert.Equal(1, fake.CallCount("token"));
    }

    [Fact]
    public async Task UnknownServiceAccount_IsStoreAuthenticationFailed_AndNoKeyMaterialLeaks()
    {
        await using var fake = await GcpSecretManagerFake.StartAsync();
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        var key = fake.CreateUnknownServiceAccountKey();
        h.WriteMountedSecret("GCP_SA_KEY", key.Json);

        await CreateGcpIntegrationAsync(h, fake);
        var ssi = await WaitForIntegrationAsync(h, "False", "StoreAuthenticationFailed");
        await h.CreateGroupAsync(Ns, "payments", ["API_KEY"], g => g.Spec.IntegrationFqn = Fqn);
        var group = await h.WaitForGroupAsync(Ns, "payments", "False");

        var message = ssi.Status!.Conditions!.Single(c => c.Type == "Ready").Message;
        Assert.Contains(key.Email, message, StringComparison.Ordinal);
        Assert.Equal(0, fake.CallCount("list") + fake.CallCount("access"));
        Assert.Null(await h.GetSecretAsync(Ns, "payments"));

        var events = await h.Client.EventsV1.ListEventForAllNamespacesAsync();
        var observed = string.Join("\n", h.AllLogs()) + KubernetesJson.Serialize(ssi) + KubernetesJson.Serialize(group) + KubernetesJson.Serialize(events);
        Assert.NotEmpty(h.AllLogs());
        Assert.DoesNotContain(key.Canary, observed, StringComparison.Ordinal);
        Assert.DoesNotContain(key.KeyId, observed, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", observed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BinaryValues_ArriveByteForByte()
    {
        byte[] der = [0x30, 0x82, 0xFF, 0x00, 0xC3];
        await using var fake = await GcpSecretManagerFake.StartAsync();
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        h.WriteMountedSecret("GCP_SA_KEY", fake.CreateServiceAccountKey().Json);
        fake.Seed("acme_keystore_DER", der);
        await CreateGcpIntegrationAsync(h, fake);
        await h.CreateGroupAsync(Ns, "keystore", ["DER"], g => g.Spec.IntegrationFqn = Fqn);

        await h.WaitForGroupAsync(Ns, "keystore", "True", "Synced");

        Assert.Equal(der, (await h.GetSecretAsync(Ns, "keystore"))!.Data["DER"]);
    }
}
