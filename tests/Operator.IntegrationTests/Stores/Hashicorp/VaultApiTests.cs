using Operator.Entities.V1Alpha1;
using Operator.IntegrationTests.Api;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.IntegrationTests.Stores;

/// <summary>The REST API on a Vault KV v2 integration: each value set is a new version of the group's entry (<c>?version=N</c>).</summary>
public sealed class VaultApiTests
{
    [Fact]
    public async Task EachValueSet_IsANewEntryVersion_AndEveryKeptVersionReadsBack()
    {
        var vault = await VaultFake.StartAsync();
        await using var store = await StoreUnderTest.StartAsync(
            vault,
            "acme:hashicorp:local:secret-store:versioned",
            spec => spec.Hashicorp = new HashicorpStoreSpec
            {
                Url = vault.BaseAddress.ToString(),
                RootPath = "tfy-secret",
                Auth = new HashicorpAuthSpec { Token = "tfy-k8s-secret://VAULT_TOKEN" },
            },
            h => h.WriteMountedSecret("VAULT_TOKEN", vault.AddToken()),
            () => $"{vault.CurrentVersion($"tfy-secret/acme/{StoreUnderTest.Group}")}",
            "99");

        await ApiStoreVersions.EachValueSet_IsANewStoreVersion_AndEveryKeptVersionReadsBackAsync(store);
    }
}
