using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.Stores.Azure;
using Operator.Testing.Shared;
using Operator.Testing.Stores.Aws;
using Operator.Testing.Stores.Azure;
using Operator.Testing.Stores.Gcp;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// A remoteRef pinning a version, in each store's notation, read through the real client against the wire-level fake:
/// the pinned key keeps its old value after a rotation, the unpinned one follows, and status shows the version read.
/// </summary>
public sealed class VersionPinTests
{
    private const string Ns = "team-pin";

    private static async Task<string> ValueAsync(OperatorHarness h, string key) => Encoding.UTF8.GetString((await h.GetSecretAsync(Ns, "pins"))!.Data[key]);

    private static async Task<SecretGroup> SyncAsync(OperatorHarness h, string fqn, params (string Key, string? RemoteRef)[] keys)
    {
        await h.CreateGroupAsync(Ns, "pins", keys.Select(k => k.Key), g =>
        {
            g.Spec.IntegrationFqn = fqn;
            for (var i = 0; i < keys.Length; i++)
            {
                g.Spec.Secrets![i].RemoteRef = keys[i].RemoteRef;
            }
        });
        return await h.WaitForGroupAsync(Ns, "pins", "True", "Synced");
    }

    private static void AssertKey(SecretGroup group, string key, string version, bool pinned, string remoteRef)
    {
        var status = group.Status!.Secrets!.Single(s => s.Key == key);
        Assert.Equal((version, pinned ? true : null, remoteRef), (status.Version, status.Pinned, status.RemoteRef));
    }

    [Fact]
    public async Task Ssm_PinsByNumberAndByLabel()
    {
        await using var h = await OperatorHarness.StartAsync();
        await using var fake = await SsmFake.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        h.WriteMountedSecret("AWS_ACCESS_KEY_ID", SsmFake.DefaultAccessKeyId);
        h.WriteMountedSecret("AWS_SECRET_ACCESS_KEY", SsmFake.DefaultSecretAccessKey);
        await h.CreateIntegrationAsync("ssm", ssi =>
        {
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Access = new IntegrationAccessSpec { AllowPathReferences = true };
            ssi.Spec.Aws = new AwsStoreSpec
            {
                Region = "us-east-1",
                Endpoint = fake.Url,
                StsEndpoint = fake.Sts.Url,
                Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY" },
            };
        });
        foreach (var key in new[] { "A", "B", "C" })
        {
            fake.Seed($"/tfy-secret/acme/pins/{key}", $"{key}-1");
            fake.Seed($"/tfy-secret/acme/pins/{key}", $"{key}-2");
        }

        fake.Label("/tfy-secret/acme/pins/C", 1, "stable");
        var fqn = h.FqnOf("ssm").Replace(":kubernetes:", ":aws:", StringComparison.Ordinal);
        var group = await SyncAsync(h, fqn, ("A", "/tfy-secret/acme/pins/A:1"), ("B", null), ("C", "/tfy-secret/acme/pins/C:stable"));

        Assert.Equal(("A-1", "B-2", "C-1"), (await ValueAsync(h, "A"), await ValueAsync(h, "B"), await ValueAsync(h, "C")));
        AssertKey(group, "A", "1", pinned: true, $"{fqn}::/tfy-secret/acme/pins/A:1");
        AssertKey(group, "B", "2", pinned: false, $"{fqn}::/tfy-secret/acme/pins/B");
        AssertKey(group, "C", "1", pinned: true, $"{fqn}::/tfy-secret/acme/pins/C:stable");
    }

    [Fact]
    public async Task Gcp_PinsVersionsN_AndAMissingVersionIsSecretNotFound()
    {
        await using var fake = await GcpSecretManagerFake.StartAsync();
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        h.WriteMountedSecret("GCP_SA_KEY", fake.CreateServiceAccountKey().Json);
        await h.CreateIntegrationAsync("gcp", ssi =>
        {
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Access = new IntegrationAccessSpec { AllowPathReferences = true };
            ssi.Spec.Gcp = new GcpStoreSpec { ProjectId = GcpSecretManagerFake.DefaultProject, Endpoint = fake.Endpoint.ToString(), Auth = new GcpAuthSpec { ServiceAccountKey = "tfy-k8s-secret://GCP_SA_KEY" } };
        });
        fake.Seed("acme_pins_A", "A-1");
        fake.Seed("acme_pins_A", "A-2");
        fake.Seed("acme_pins_B", "B-1");
        fake.Seed("acme_pins_B", "B-2");
        var fqn = h.FqnOf("gcp").Replace(":kubernetes:", ":gcp:", StringComparison.Ordinal);
        var group = await SyncAsync(h, fqn, ("A", "acme_pins_A/versions/1"), ("B", "acme_pins_B/versions/latest"));

        Assert.Equal(("A-1", "B-2"), (await ValueAsync(h, "A"), await ValueAsync(h, "B")));
        AssertKey(group, "A", "1", pinned: true, $"{fqn}::acme_pins_A/versions/1");
        AssertKey(group, "B", "2", pinned: false, $"{fqn}::acme_pins_B");

        await h.UpdateAsync<SecretGroup>(new Runtime.ObjectKey(Ns, "pins"), g => g.Spec.Secrets![0].RemoteRef = "acme_pins_A/versions/9");
        var missing = await h.WaitForGroupAsync(Ns, "pins", "False", "SecretNotFound");
        Assert.Contains("A (acme_pins_A/versions/9)", missing.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        Assert.Equal("A-1", await ValueAsync(h, "A"));
    }

    [Fact]
    public async Task Azure_PinsAVersionId()
    {
        var fake = await AzureKeyVaultFake.StartAsync();
        await using var _ = fake;
        await using var h = await OperatorHarness.StartAsync(configureServices: services => services.AddSingleton(AzureFakeHook.For(fake)));
        await h.CreateNamespaceAsync(Ns);
        h.WriteMountedSecret("AZURE_CLIENT_SECRET", fake.ClientSecret);
        await h.CreateIntegrationAsync("azure", ssi =>
        {
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Access = new IntegrationAccessSpec { AllowPathReferences = true };
            ssi.Spec.Azure = new AzureStoreSpec { VaultUrl = fake.VaultUri.ToString(), Auth = new AzureAuthSpec { TenantId = fake.TenantId, ClientId = fake.ClientId, ClientSecret = "tfy-k8s-secret://AZURE_CLIENT_SECRET" } };
        });
        var name = AzureSecretNames.Encode(OperatorHarness.DefaultTenant, "pins", "A");
        var first = fake.Seed(name, "A-1");
        var second = fake.Seed(name, "A-2");
        var fqn = h.FqnOf("azure").Replace(":kubernetes:", ":azure:", StringComparison.Ordinal);
        var group = await SyncAsync(h, fqn, ("A", $"{name}/{first}"), ("CURRENT", name));

        Assert.Equal(("A-1", "A-2"), (await ValueAsync(h, "A"), await ValueAsync(h, "CURRENT")));
        AssertKey(group, "A", first, pinned: true, $"{fqn}::{name}/{first}");
        AssertKey(group, "CURRENT", second, pinned: false, $"{fqn}::{name}");
    }

    [Fact]
    public async Task Vault_PinsQueryVersionN()
    {
        await using var h = await OperatorHarness.StartAsync();
        await using var vault = await VaultFake.StartAsync(h.Time);
        vault.Seed("tfy-secret/acme/pins", "A", "A-1");
        vault.Seed("tfy-secret/acme/pins", "A", "A-2");
        h.WriteMountedSecret("VAULT_TOKEN", vault.AddToken());
        await h.CreateNamespaceAsync(Ns);
        await h.CreateIntegrationAsync("vault", ssi =>
        {
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Access = new IntegrationAccessSpec { AllowPathReferences = true };
            ssi.Spec.Hashicorp = new HashicorpStoreSpec { Url = vault.BaseAddress.ToString(), RootPath = "tfy-secret", Auth = new HashicorpAuthSpec { Token = "tfy-k8s-secret://VAULT_TOKEN" } };
        });
        var fqn = h.FqnOf("vault").Replace(":kubernetes:", ":hashicorp:", StringComparison.Ordinal);
        var group = await SyncAsync(h, fqn, ("A", "tfy-secret/acme/pins#A?version=1"), ("B", "tfy-secret/acme/pins#A"));

        Assert.Equal(("A-1", "A-2"), (await ValueAsync(h, "A"), await ValueAsync(h, "B")));
        AssertKey(group, "A", "1", pinned: true, $"{fqn}::tfy-secret/acme/pins#A?version=1");
        AssertKey(group, "B", "2", pinned: false, $"{fqn}::tfy-secret/acme/pins#A");
    }
}
