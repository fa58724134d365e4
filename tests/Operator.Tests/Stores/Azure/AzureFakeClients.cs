using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;
using Operator.Stores.Azure;
using Operator.Testing.Shared;
using Operator.Testing.Stores.Azure;

namespace Operator.Tests.Stores;

/// <summary>Builds Azure stores through the factory, as StoreConnector does, pointed at an <see cref="AzureKeyVaultFake"/>.</summary>
internal static class AzureFakeClients
{
    public static SecretStoreIntegration Integration(AzureKeyVaultFake fake) => new()
    {
        Metadata = new V1ObjectMeta { Name = "azure-kv", Uid = "uid-1", Generation = 1 },
        Spec = new SecretStoreIntegrationSpec
        {
            ProviderAccount = "local",
            Azure = new AzureStoreSpec
            {
                VaultUrl = fake.VaultUri.ToString(),
                Auth = new AzureAuthSpec { TenantId = fake.TenantId, ClientId = fake.ClientId, ClientSecret = "tfy-k8s-secret://AZURE_CLIENT_SECRET" },
            },
        },
    };

    public static ISecretStore Create(AzureKeyVaultFake fake, string? clientSecret = null, TokenBucket? rateLimiter = null, StoreRetry? retry = null)
    {
        var factory = new AzureStoreFactory(AzureFakeHook.For(fake));
        var integration = Integration(fake);
        Assert.Empty(factory.Validate(integration.Spec));
        var (field, _) = Assert.Single(factory.CredentialReferences(integration.Spec));
        var credentials = new Dictionary<string, string> { [field] = clientSecret ?? fake.ClientSecret };
        var (qps, burst) = TokenBucket.Defaults;
        var context = new StoreContext(
            integration,
            new IntegrationFqn("acme", new Provider("azure"), "local", "azure-kv"),
            credentials,
            rateLimiter ?? new TokenBucket(qps, burst, TimeProvider.System),
            retry ?? new StoreRetry(TimeProvider.System, baseDelay: TimeSpan.FromMilliseconds(1)),
            TimeProvider.System);
        return factory.Create(context);
    }
}
