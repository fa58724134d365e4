using Operator.Entities.V1Alpha1;
using Microsoft.Extensions.DependencyInjection;
using Operator.Stores.Azure;
using Operator.Testing.Shared;
using Operator.Testing.Stores.Azure;

namespace Operator.IntegrationTests.Stores;

/// <summary>A remoteRef pinning a version in this store's notation, against its wire-level fake.</summary>
public sealed class AzureVersionPinTests
{
    [Fact]
    public async Task Azure_PinsAVersionId()
    {
        var fake = await AzureKeyVaultFake.StartAsync();
        await using var _ = fake;
        await using var h = await OperatorHarness.StartAsync(configureServices: services => services.AddSingleton(AzureFakeHook.For(fake)));
        await h.CreateNamespaceAsync(VersionPinning.Ns);
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
        var group = await VersionPinning.SyncAsync(h, fqn, ("A", $"{name}/{first}"), ("CURRENT", name));

        Assert.Equal(("A-1", "A-2"), (await VersionPinning.ValueAsync(h, "A"), await VersionPinning.ValueAsync(h, "CURRENT")));
        VersionPinning.AssertKey(group, "A", first, pinned: true, $"{fqn}::{name}/{first}");
        VersionPinning.AssertKey(group, "CURRENT", second, pinned: false, $"{fqn}::{name}");
    }
}
