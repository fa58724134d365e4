using Operator.References;
using Operator.Stores;
using Operator.Testing.Stores.Azure;

namespace Operator.Tests.Stores;

/// <summary>The Azure Key Vault store (real SecretClient and ClientSecretCredential) against the Key Vault fake.</summary>
public sealed class AzureKeyVaultStoreConformanceTests : StoreConformanceTests
{
    protected override async Task<IStoreFixture> CreateFixtureAsync() => new Fixture(await AzureKeyVaultFake.StartAsync());

    private sealed class Fixture(AzureKeyVaultFake fake) : IStoreFixture
    {
        public ISecretStore Store { get; } = AzureFakeClients.Create(fake);

        public GroupFqn Group { get; } = new("acme", "conformance");

        public string InvalidPath => "not_a/key-vault.name";

        public string CredentialCanary => "bad-client-secret-canary-5e1d";

        public int ReadCalls => fake.CallCount("get") + fake.CallCount("list");

        public int ExpectedReadCalls(int keys) => keys; // one GetSecret per key; token calls are not reads

        public Task SeedAsync(string path, string value)
        {
            fake.Seed(path, value);
            return Task.CompletedTask;
        }

        public void ThrottleNext(int calls) => fake.Faults.ThrottleNext(calls);

        public Task<ISecretStore> CreateWithBadCredentialsAsync() => Task.FromResult(AzureFakeClients.Create(fake, CredentialCanary));

        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync();
            Assert.Empty(fake.Unanswered);
            await fake.DisposeAsync();
        }
    }
}
