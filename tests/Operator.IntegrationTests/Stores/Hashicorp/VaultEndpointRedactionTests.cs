using Operator.Entities.V1Alpha1;

namespace Operator.IntegrationTests.Stores;

/// <summary>Credentials in a Vault URL (user info, a query token) are never echoed (the shared canary run).</summary>
public sealed class VaultEndpointRedactionTests
{
    [Fact]
    public Task CredentialsInTheVaultUrl_AreRedactedInStatusEventsLogsAndExceptions() =>
        EndpointRedaction.AssertNeverEchoedAsync(
            canary =>
            [
                new("vault-userinfo", "spec.hashicorp.url", s => (s.Kubernetes, s.Hashicorp) = (null, Vault($"https://admin:{canary.Password}@vault.example.com:8200"))),
                new("vault-query", "spec.hashicorp.url", s => (s.Kubernetes, s.Hashicorp) = (null, Vault($"https://vault.example.com:8200/?token={canary.Token}"))),
            ],
            shown: "https://***@vault.example.com:8200",
            setUp: h => h.WriteMountedSecret("VAULT_TOKEN", "s.vault-token"));

    private static HashicorpStoreSpec Vault(string url) => new() { Url = url, Auth = new HashicorpAuthSpec { Token = "tfy-k8s-secret://VAULT_TOKEN" } };
}
