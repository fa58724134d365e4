using Operator.Entities.V1Alpha1;

namespace Operator.IntegrationTests.Stores;

/// <summary>Credentials in a Key Vault URL are never echoed (the shared canary run).</summary>
public sealed class AzureEndpointRedactionTests
{
    [Fact]
    public Task CredentialsInTheVaultUrl_AreRedactedInStatusEventsLogsAndExceptions() =>
        EndpointRedaction.AssertNeverEchoedAsync(
            canary => [new("azure-url", "spec.azure.vaultUrl", s => (s.Kubernetes, s.Azure) = (null, new AzureStoreSpec { VaultUrl = $"https://admin:{canary.Password}@my-vault.vault.azure.net/?sig={canary.Token}" }))],
            shown: "***@my-vault.vault.azure.net");
}
