using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;
using Operator.Stores.Gcp;
using Operator.Testing.Stores.Gcp;

namespace Operator.Tests.Stores;

/// <summary>The GCP Secret Manager store, built by its factory, against the wire-level fake.</summary>
public sealed class GcpStoreConformanceTests : StoreConformanceTests
{
    protected override async Task<IStoreFixture> CreateFixtureAsync() => await GcpStoreFixture.CreateAsync();
}

/// <summary>The real store client and its fake; also used by the GCP-specific tests.</summary>
public sealed class GcpStoreFixture : IStoreFixture
{
    private readonly GcpServiceAccountKey unknownKey;

    private GcpStoreFixture(GcpSecretManagerFake fake)
    {
        Fake = fake;
        Key = fake.CreateServiceAccountKey();
        unknownKey = fake.CreateUnknownServiceAccountKey();
        Store = CreateStore(Key.Json);
    }

    public static async Task<GcpStoreFixture> CreateAsync() => new(await GcpSecretManagerFake.StartAsync());

    public GcpSecretManagerFake Fake { get; }

    public GcpServiceAccountKey Key { get; }

    public ISecretStore Store { get; }

    public GroupFqn Group { get; } = new("acme", "conformance");

    public string InvalidPath => "not a/secret.id";

    public string CredentialCanary => unknownKey.Canary;

    public int ReadCalls => Fake.CallCount("access") + Fake.CallCount("list");

    public int ExpectedReadCalls(int keys) => keys; // Secret Manager has no batch read

    /// <summary>The integration as a user would write it, pointed at the fake.</summary>
    public SecretStoreIntegration Integration() => new()
    {
        Metadata = new() { Name = "gcp-sm" },
        Spec = new SecretStoreIntegrationSpec
        {
            ProviderAccount = "local",
            Gcp = new GcpStoreSpec
            {
                ProjectId = GcpSecretManagerFake.DefaultProject,
                Endpoint = Fake.Endpoint.ToString(),
                Auth = new GcpAuthSpec { ServiceAccountKey = "tfy-k8s-secret://GCP_SA_KEY" },
            },
        },
    };

    /// <summary>A store built by the factory with a context like the one StoreConnector builds.</summary>
    public ISecretStore CreateStore(string keyJson, SecretStoreIntegration? integration = null)
    {
        var (qps, burst) = TokenBucket.Defaults;
        var context = new StoreContext(
            integration ?? Integration(),
            new IntegrationFqn("acme", new Provider("gcp"), "local", "gcp-sm"),
            new Dictionary<string, string> { [GcpStoreFactory.ServiceAccountKeyField] = keyJson },
            new TokenBucket(qps, burst, TimeProvider.System),
            new StoreRetry(TimeProvider.System, baseDelay: TimeSpan.FromMilliseconds(1)),
            TimeProvider.System);
        return new GcpStoreFactory().Create(context);
    }

    public Task SeedAsync(string path, string value)
    {
        Fake.Seed(path, value);
        return Task.CompletedTask;
    }

    public void ThrottleNext(int calls) => Fake.ThrottleNext(calls);

    public Task<ISecretStore> CreateWithBadCredentialsAsync() => Task.FromResult(CreateStore(unknownKey.Json));

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
