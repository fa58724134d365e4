using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.IntegrationTests.Api;
using Operator.Stores.Azure;
using Operator.Testing.Shared;
using Operator.Testing.Stores.Azure;

namespace Operator.IntegrationTests.Stores;

/// <summary>The REST API on a Key Vault integration: each value set is a new secret version, named by its version id.</summary>
public sealed class AzureApiTests
{
    [Fact]
    public async Task EachValueSet_IsANewSecretVersion_AndEveryKeptVersionReadsBack()
    {
        var azure = await AzureKeyVaultFake.StartAsync();
        await using var store = await StoreUnderTest.StartAsync(
            azure,
            "acme:azure:local:secret-store:versioned",
            spec => spec.Azure = new AzureStoreSpec
            {
                VaultUrl = azure.VaultUri.ToString(),
                Auth = new AzureAuthSpec { TenantId = azure.TenantId, ClientId = azure.ClientId, ClientSecret = "tfy-k8s-secret://AZURE_CLIENT_SECRET" },
            },
            h => h.WriteMountedSecret("AZURE_CLIENT_SECRET", azure.ClientSecret),
            () => azure.Versions(AzureSecretNames.Encode(OperatorHarness.DefaultTenant, StoreUnderTest.Group, "K"))[^1].Version,
            new string('0', 32),
            services => services.AddSingleton(AzureFakeHook.For(azure)));

        await ApiStoreVersions.EachValueSet_IsANewStoreVersion_AndEveryKeptVersionReadsBackAsync(store);
    }
}
