using Operator.Entities.V1Alpha1;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.IntegrationTests.Stores;

/// <summary>A remoteRef pinning a version in this store's notation, against its wire-level fake.</summary>
public sealed class VaultVersionPinTests
{
    [Fact]
    public async Task Vault_PinsQueryVersionN()
    {
        await using var h = await OperatorHarness.StartAsync();
        await using var vault = await VaultFake.StartAsync(h.Time);
        vault.Seed("tfy-secret/acme/pins", "A", "A-1");
        vault.Seed("tfy-secret/acme/pins", "A", "A-2");
        h.WriteMountedSecret("VAULT_TOKEN", vault.AddToken());
        await h.CreateNamespaceAsync(VersionPinning.Ns);
        await h.CreateIntegrationAsync("vault", ssi =>
        {
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Access = new IntegrationAccessSpec { AllowPathReferences = true };
            ssi.Spec.Hashicorp = new HashicorpStoreSpec { Url = vault.BaseAddress.ToString(), RootPath = "tfy-secret", Auth = new HashicorpAuthSpec { Token = "tfy-k8s-secret://VAULT_TOKEN" } };
        });
        var fqn = h.FqnOf("vault").Replace(":kubernetes:", ":hashicorp:", StringComparison.Ordinal);
        var group = await VersionPinning.SyncAsync(h, fqn, ("A", "tfy-secret/acme/pins#A?version=1"), ("B", "tfy-secret/acme/pins#A"));

        Assert.Equal(("A-1", "A-2"), (await VersionPinning.ValueAsync(h, "A"), await VersionPinning.ValueAsync(h, "B")));
        VersionPinning.AssertKey(group, "A", "1", pinned: true, $"{fqn}::tfy-secret/acme/pins#A?version=1");
        VersionPinning.AssertKey(group, "B", "2", pinned: false, $"{fqn}::tfy-secret/acme/pins#A");
    }
}
