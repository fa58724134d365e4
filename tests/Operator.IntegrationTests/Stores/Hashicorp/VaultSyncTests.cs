using System.Text;
using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.IntegrationTests.Stores;

/// <summary>The operator syncing groups from HashiCorp Vault (our client against the Vault fake) into Secrets.</summary>
public sealed class VaultSyncTests
{
    private const string Ns = "team-v";
    private const string Integration = "vault";
    private const string Group = "openai-keys";
    private const string Entry = "tfy-secret/acme/openai-keys";
    private static readonly string Fqn = $"{OperatorHarness.DefaultTenant}:hashicorp:local:secret-store:{Integration}";

    private sealed record Setup(OperatorHarness Harness, VaultFake Vault) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Harness.DisposeAsync();
            await Vault.DisposeAsync();
        }
    }

    private static async Task<Setup> StartAsync(Dictionary<string, string> values, string? token = null, string refreshInterval = "1h")
    {
        var h = await OperatorHarness.StartAsync();
        var vault = await VaultFake.StartAsync(h.Time);
        foreach (var (key, value) in values)
        {
            vault.Seed(Entry, key, value);
        }

        h.WriteMountedSecret("VAULT_TOKEN", token ?? vault.AddToken());
        await h.CreateNamespaceAsync(Ns);
        await h.CreateIntegrationAsync(Integration, ssi =>
        {
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Hashicorp = new HashicorpStoreSpec
            {
                Url = vault.BaseAddress.ToString(),
                RootPath = "tfy-secret",
                Auth = new HashicorpAuthSpec { Token = "tfy-k8s-secret://VAULT_TOKEN" },
            };
        });
        await h.CreateGroupAsync(Ns, Group, values.Keys, g =>
        {
            g.Spec.IntegrationFqn = Fqn;
            g.Spec.RefreshInterval = refreshInterval;
        });
        return new Setup(h, vault);
    }

    private static string Value(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    private static async Task<SecretStoreIntegration> WaitForIntegrationAsync(OperatorHarness h, string status)
    {
        SecretStoreIntegration? last = null;
        await OperatorHarness.WaitForAsync(
            async () =>
            {
                last = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, Integration), CancellationToken.None);
                return last?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == status;
            },
            $"integration Ready={status}",
            () => KubernetesJson.Serialize(last?.Status));
        return last!;
    }

    [Fact]
    public async Task GroupOfSeveralKeys_SyncsWithOneKvReadPerSync()
    {
        var values = Enumerable.Range(1, 6).ToDictionary(i => $"KEY_{i}", i => $"value-{i}");
        await using var s = await StartAsync(values, refreshInterval: "10m");
        var (h, vault) = (s.Harness, s.Vault);

        var group = await h.WaitForGroupAsync(Ns, Group, "True", "Synced");

        var secret = await h.GetSecretAsync(Ns, Group);
        Assert.All(values, p => Assert.Equal(p.Value, Value(secret!, p.Key)));
        var key = Assert.Single(group.Status!.Secrets!, k => k.Key == "KEY_1");
        Assert.Equal($"{Fqn}::{Entry}#KEY_1", key.RemoteRef);
        Assert.Equal(vault.CurrentVersion(Entry).ToString(System.Globalization.CultureInfo.InvariantCulture), key.Version);
        Assert.Equal(1, vault.CallCount("kv.read"));
        Assert.Equal("True", (await WaitForIntegrationAsync(h, "True")).Status!.Conditions!.Single(c => c.Type == "Ready").Status);

        await h.AdvanceAsync(TimeSpan.FromMinutes(11));
        await h.WaitForGroupAsync(Ns, Group, "True", and: g => g.Status!.LastSyncTime > group.Status.LastSyncTime);
        Assert.Equal(2, vault.CallCount("kv.read"));
    }

    [Fact]
    public async Task RotatedValue_ReachesTheSecretAfterTheRefreshInterval()
    {
        await using var s = await StartAsync(new() { ["API_KEY"] = "v1", ["DB_PASSWORD"] = "pw" }, refreshInterval: "10m");
        var (h, vault) = (s.Harness, s.Vault);
        var first = await h.WaitForGroupAsync(Ns, Group, "True", "Synced");

        vault.Seed(Entry, "API_KEY", "v2");
        await h.AdvanceAsync(TimeSpan.FromMinutes(9));
        await h.WaitForGroupAsync(Ns, Group, "True");
        Assert.Equal("v1", Value((await h.GetSecretAsync(Ns, Group))!, "API_KEY"));

        await h.AdvanceAsync(TimeSpan.FromMinutes(1.5));
        var second = await h.WaitForGroupAsync(Ns, Group, "True", and: g => g.Status!.LastSyncTime > first.Status!.LastSyncTime);

        var secret = (await h.GetSecretAsync(Ns, Group))!;
        Assert.Equal("v2", Value(secret, "API_KEY"));
        Assert.Equal("pw", Value(secret, "DB_PASSWORD"));
        Assert.NotEqual(
            first.Status!.Secrets!.Single(k => k.Key == "API_KEY").Version,
            second.Status!.Secrets!.Single(k => k.Key == "API_KEY").Version);
    }

    [Fact]
    public async Task BadToken_MakesTheIntegrationNotReady_WithoutTheTokenAnywhere()
    {
        const string tokenCanary = "hvs.TOKEN-CANARY-81c2";
        await using var s = await StartAsync(new() { ["API_KEY"] = "v1" }, token: tokenCanary);
        var h = s.Harness;

        var ssi = await WaitForIntegrationAsync(h, "False");
        var group = await h.WaitForGroupAsync(Ns, Group, "False");

        var ready = ssi.Status!.Conditions!.Single(c => c.Type == "Ready");
        Assert.Contains(ready.Reason, new[] { "StoreAuthenticationFailed", "StoreAccessDenied" });
        Assert.Contains("spec.hashicorp.auth", ready.Message, StringComparison.Ordinal);
        Assert.Null(await h.GetSecretAsync(Ns, Group));
        var events = await h.Client.EventsV1.ListEventForAllNamespacesAsync();
        var observed = string.Join("\n", h.AllLogs()) + KubernetesJson.Serialize(ssi) + KubernetesJson.Serialize(group) + KubernetesJson.Serialize(events);
        Assert.NotEmpty(events.Items);
        Assert.DoesNotContain("TOKEN-CANARY", observed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CanaryValues_NeverAppearInLogsEventsOrStatus()
    {
        const string canary = "CANARY-vault-5e1d-do-not-leak";
        await using var s = await StartAsync(new() { ["API_KEY"] = canary, ["OTHER"] = canary + "-2" });
        var (h, vault) = (s.Harness, s.Vault);
        await h.WaitForGroupAsync(Ns, Group, "True", "Synced");
        var token = await File.ReadAllTextAsync(Path.Combine(h.MountDirectory, "VAULT_TOKEN"));

        // The failure path too: its messages are the likeliest to leak.
        vault.FailShare(1.0, 500);
        await h.AdvanceAsync(TimeSpan.FromHours(2));
        // Either the group read or the integration recheck meets the failure first; both paths carry error text.
        await h.WaitForGroupAsync(Ns, Group, "False");

        var group = await h.GetGroupAsync(Ns, Group);
        var events = await h.Client.EventsV1.ListEventForAllNamespacesAsync();
        var ssi = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, Integration), CancellationToken.None);
        var observed = string.Join("\n", h.AllLogs()) + KubernetesJson.Serialize(group) + KubernetesJson.Serialize(events) + KubernetesJson.Serialize(ssi);

        Assert.NotEmpty(events.Items);
        Assert.DoesNotContain(canary, observed, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(canary)), observed, StringComparison.Ordinal);
        Assert.DoesNotContain(token, observed, StringComparison.Ordinal);
        Assert.Equal(canary, Value((await h.GetSecretAsync(Ns, Group))!, "API_KEY")); // the last good Secret is kept
    }
}
