using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Stores.Azure;
using Operator.Testing.Shared;
using Operator.Testing.Stores.Azure;

namespace Operator.IntegrationTests.Stores;

/// <summary>The operator syncing groups from Azure Key Vault: real SDK, Key Vault fake, API emulator.</summary>
public sealed class AzureSyncTests
{
    private const string Ns = "team-az";
    private const string Integration = "azure-kv";
    private const string IntegrationFqn = $"{OperatorHarness.DefaultTenant}:azure:local:secret-store:{Integration}";

    private static async Task<(OperatorHarness Harness, AzureKeyVaultFake Fake)> StartAsync(string? mountedClientSecret = null)
    {
        var fake = await AzureKeyVaultFake.StartAsync();
        var h = await OperatorHarness.StartAsync(configureServices: services => services.AddSingleton(AzureFakeHook.For(fake)));
        await h.CreateNamespaceAsync(Ns);
        h.WriteMountedSecret("AZURE_CLIENT_SECRET", mountedClientSecret ?? fake.ClientSecret);
        await h.CreateIntegrationAsync(Integration, ssi =>
        {
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Azure = new AzureStoreSpec
            {
                VaultUrl = fake.VaultUri.ToString(),
                Auth = new AzureAuthSpec { TenantId = fake.TenantId, ClientId = fake.ClientId, ClientSecret = "tfy-k8s-secret://AZURE_CLIENT_SECRET" },
            };
        });
        return (h, fake);
    }

    private static string NameOf(string group, string key) => AzureSecretNames.Encode(OperatorHarness.DefaultTenant, group, key);

    private static Task<SecretGroup> CreateGroupAsync(OperatorHarness h, string name, IEnumerable<string> keys, string? refresh = null) =>
        h.CreateGroupAsync(Ns, name, keys, g =>
        {
            g.Spec.IntegrationFqn = IntegrationFqn;
            g.Spec.RefreshInterval = refresh;
        });

    private static string Value(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    [Fact]
    public async Task AzureIntegrationAndGroup_SyncValuesIntoTheSecret()
    {
        var (h, fake) = await StartAsync();
        await using var _ = h;
        await using var __ = fake;
        var version = fake.Seed(NameOf("openai-keys", "OPENAI_API_KEY"), "sk-azure-1");
        fake.Seed(NameOf("openai-keys", "db.password"), "pw-1");

        await CreateGroupAsync(h, "openai-keys", ["OPENAI_API_KEY", "db.password"]);
        var group = await h.WaitForGroupAsync(Ns, "openai-keys", "True", "Synced");

        var secret = (await h.GetSecretAsync(Ns, "openai-keys"))!;
        Assert.Equal("sk-azure-1", Value(secret, "OPENAI_API_KEY"));
        Assert.Equal("pw-1", Value(secret, "db.password"));
        var key = Assert.Single(group.Status!.Secrets!, s => s.Key == "OPENAI_API_KEY");
        Assert.Equal($"{IntegrationFqn}::acme--openai-dkeys---cOPENAI-uAPI-uKEY", key.RemoteRef);
        Assert.Equal(version, key.Version);
        var ssi = await IntegrationAsync(h);
        Assert.Equal(IntegrationFqn, ssi.Status!.Fqn);
        Assert.Empty(fake.Unanswered);
    }

    [Fact]
    public async Task RotatedValue_ReachesTheSecretAfterTheInterval()
    {
        var (h, fake) = await StartAsync();
        await using var _ = h;
        await using var __ = fake;
        var name = NameOf("rotating", "API_KEY");
        fake.Seed(name, "v1");
        await CreateGroupAsync(h, "rotating", ["API_KEY"], refresh: "10m");
        var first = await h.WaitForGroupAsync(Ns, "rotating", "True", "Synced");

        var v2 = fake.Seed(name, "v2");
        await h.AdvanceAsync(TimeSpan.FromMinutes(9));
        await h.WaitForGroupAsync(Ns, "rotating", "True");
        Assert.Equal("v1", Value((await h.GetSecretAsync(Ns, "rotating"))!, "API_KEY"));

        await h.AdvanceAsync(TimeSpan.FromMinutes(2));
        var second = await h.WaitForGroupAsync(Ns, "rotating", "True", and: g => g.Status!.LastSyncTime > first.Status!.LastSyncTime);

        Assert.Equal("v2", Value((await h.GetSecretAsync(Ns, "rotating"))!, "API_KEY"));
        Assert.Equal(v2, second.Status!.Secrets!.Single().Version);
    }

    [Fact]
    public async Task WrongClientSecret_IntegrationNotReady_AndTheSecretAppearsNowhere()
    {
        const string canary = "CANARY-azure-client-secret-3c9d";
        var (h, fake) = await StartAsync(mountedClientSecret: canary);
        await using var _ = h;
        await using var __ = fake;
        fake.Seed(NameOf("locked", "K"), "never-synced");
        await CreateGroupAsync(h, "locked", ["K"]);

        SecretStoreIntegration? ssi = null;
        await OperatorHarness.WaitForAsync(
            async () => (ssi = await IntegrationAsync(h)).Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "False" && c.Reason == "StoreAuthenticationFailed") == true,
            "integration Ready=False StoreAuthenticationFailed",
            () => KubernetesJson.Serialize(ssi?.Status));
        await h.WaitForGroupAsync(Ns, "locked", "False");

        Assert.Null(await h.GetSecretAsync(Ns, "locked"));
        Assert.Equal(0, fake.CallCount("get"));
        var events = await h.Client.EventsV1.ListEventForAllNamespacesAsync();
        var observed = string.Join("\n", h.AllLogs()) + KubernetesJson.Serialize(await IntegrationAsync(h)) + KubernetesJson.Serialize(await h.GetGroupAsync(Ns, "locked")) + KubernetesJson.Serialize(events);
        Assert.NotEmpty(h.AllLogs());
        Assert.DoesNotContain(canary, observed, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(canary)), observed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyTooLongForAKeyVaultName_SetsReadyFalse_NamingTheKey()
    {
        var (h, fake) = await StartAsync();
        await using var _ = h;
        await using var __ = fake;
        var longKey = "SERVICE_ACCOUNT_" + new string('k', 110);
        fake.Seed(NameOf("long-keys", "SHORT"), "s");

        await CreateGroupAsync(h, "long-keys", ["SHORT", longKey]);
        var group = await h.WaitForGroupAsync(Ns, "long-keys", "False", "InvalidStorePath");

        Assert.Contains($"key '{longKey}'", group.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        Assert.Null(await h.GetSecretAsync(Ns, "long-keys"));
    }

    private static async Task<SecretStoreIntegration> IntegrationAsync(OperatorHarness h) =>
        (await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, Integration), CancellationToken.None))!;
}
