using Operator.Entities.V1Alpha1;
using Operator.Stores.Azure;
using Operator.Testing;
using Operator.Testing.Stores.Azure;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// The Native AOT binary (<see cref="NativeAotOperator"/>) on Azure Key Vault: Azure.Identity's client secret
/// credential (MSAL) and Azure.Security.KeyVault.Secrets against the fake. The process cannot take the in-process
/// tests' options hook, so it gets what a cluster could give it: the fake's certificate as its only trusted root
/// (<c>SSL_CERT_FILE</c>), the fake as authority host (<c>AZURE_AUTHORITY_HOST</c>), and a proxy
/// (<c>HTTPS_PROXY</c>) that takes <c>keyVaultName</c>'s real host to the fake, so the SDK's check that the
/// challenge's resource (<c>vault.azure.net</c>) is the vault's domain passes as in Azure.
/// </summary>
public sealed class AzureNativeAotTests(ITestOutputHelper output)
{
    private const string VaultName = "aot-vault";
    private const string VaultHost = $"{VaultName}.vault.azure.net";

    [Fact]
    public async Task NativeAotBinary_SyncsAGroupFromAzureKeyVault()
    {
        const string Ns = "team-az";
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var fake = await AzureKeyVaultFake.StartAsync(hostNames: [VaultHost]);
        await using var proxy = ConnectProxy.Start(fake.VaultUri.Port);
        var version = fake.Seed(AzureSecretNames.Encode(NativeAotOperator.Tenant, "db", "PASSWORD"), "azure-aot-1");
        fake.Seed(AzureSecretNames.Encode(NativeAotOperator.Tenant, "db", "USER"), "azure-user");
        aot.WriteMountedSecret("AZURE_CLIENT_SECRET", fake.ClientSecret);
        var ca = Path.Combine(aot.WorkPath, "azure-fake.crt");
        await File.WriteAllTextAsync(ca, fake.Certificate.ExportCertificatePem(), TestContext.Current.CancellationToken);

        var group = await aot.SyncGroupAsync(
            NativeAotOperator.Integration("azure-kv", spec => spec.Azure = new AzureStoreSpec
            {
                KeyVaultName = VaultName,
                Auth = new AzureAuthSpec { TenantId = fake.TenantId, ClientId = fake.ClientId, ClientSecret = "tfy-k8s-secret://AZURE_CLIENT_SECRET" },
            }),
            Ns,
            new Dictionary<string, string> { ["PASSWORD"] = "azure-aot-1", ["USER"] = "azure-user" },
            new Dictionary<string, string>
            {
                ["SSL_CERT_FILE"] = ca,
                ["SSL_CERT_DIR"] = aot.WorkPath,
                ["AZURE_AUTHORITY_HOST"] = fake.AuthorityHost.ToString(),
                ["HTTPS_PROXY"] = proxy.Address.ToString(),
                ["NO_PROXY"] = "127.0.0.1,localhost",
            });

        Assert.Equal(version, Assert.Single(group.Status!.Secrets!, s => s.Key == "PASSWORD").Version);
        Assert.True(fake.CallCount("token") >= 1);
        Assert.Contains($"{VaultHost}:443", proxy.Tunnelled);
        Assert.Empty(fake.Unanswered);
    }
}
