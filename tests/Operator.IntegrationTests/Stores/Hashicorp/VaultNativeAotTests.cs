using Operator.Entities.V1Alpha1;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.IntegrationTests.Stores;

/// <summary>The Native AOT binary (<see cref="NativeAotOperator"/>) on HashiCorp Vault: our own HTTP client and its JSON against the Vault fake.</summary>
public sealed class VaultNativeAotTests(ITestOutputHelper output)
{
    [Fact]
    public async Task NativeAotBinary_SyncsAGroupFromVault()
    {
        const string Ns = "team-v";
        const string Entry = $"tfy-secret/{NativeAotOperator.Tenant}/db";
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var vault = await VaultFake.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        vault.Seed(Entry, "PASSWORD", "vault-aot-1");
        vault.Seed(Entry, "USER", "vault-user");
        aot.WriteMountedSecret("VAULT_TOKEN", vault.AddToken());

        var group = await aot.SyncGroupAsync(
            NativeAotOperator.Integration("vault", spec => spec.Hashicorp = new HashicorpStoreSpec
            {
                Url = vault.BaseAddress.ToString(),
                RootPath = "tfy-secret",
                Auth = new HashicorpAuthSpec { Token = "tfy-k8s-secret://VAULT_TOKEN" },
            }),
            Ns,
            new Dictionary<string, string> { ["PASSWORD"] = "vault-aot-1", ["USER"] = "vault-user" });

        Assert.EndsWith($"::{Entry}#PASSWORD", Assert.Single(group.Status!.Secrets!, s => s.Key == "PASSWORD").RemoteRef, StringComparison.Ordinal);
        Assert.Equal(1, vault.CallCount("kv.read"));
    }
}
