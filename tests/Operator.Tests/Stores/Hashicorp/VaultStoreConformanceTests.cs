using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;
using Operator.Stores.Hashicorp;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.Tests.Stores;

/// <summary>Our Vault HTTP client, built by <see cref="HashicorpStoreFactory"/>, against the wire-level Vault fake.</summary>
public sealed class VaultStoreConformanceTests : StoreConformanceTests
{
    protected override async Task<IStoreFixture> CreateFixtureAsync() => new Fixture(await VaultFake.StartAsync());

    private sealed class Fixture : IStoreFixture
    {
        private readonly VaultFake fake;

        public Fixture(VaultFake fake)
        {
            this.fake = fake;
            Store = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken));
        }

        public ISecretStore Store { get; }

        public GroupFqn Group { get; } = new("acme", "conformance");

        public string InvalidPath => "tfy-secret/../acme/conformance#KEY";

        public string CredentialCanary => "hvs.bad-token-canary";

        public int ReadCalls => fake.CallCount("kv.read");

        public int ExpectedReadCalls(int keys) => 1; // one KV v2 entry per group

        // The limit is on the entry's data JSON: {"<key>":"<value>"}.
        public int MaxValueBytes(string key) => VaultFake.MaxEntryBytes - System.Text.Encoding.UTF8.GetByteCount(new System.Text.Json.Nodes.JsonObject { [key] = "" }.ToJsonString());

        public Task SeedAsync(string path, string value)
        {
            var parsed = VaultPath.Parse(path);
            fake.Seed(parsed.Entry, parsed.Field, value);
            return Task.CompletedTask;
        }

        public void ThrottleNext(int calls) => fake.ThrottleNext(calls);

        public Task<ISecretStore> CreateWithBadCredentialsAsync() =>
            Task.FromResult(VaultStores.Create(fake, VaultStores.TokenAuth(CredentialCanary)));

        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync();
            await fake.DisposeAsync();
        }
    }
}

/// <summary>Builds Vault stores the way <see cref="StoreConnector"/> does: the factory, a StoreContext, resolved credentials.</summary>
internal static class VaultStores
{
    public const string RootPath = "tfy-secret";

    public static (HashicorpAuthSpec Auth, Dictionary<string, string> Credentials) TokenAuth(string token) =>
        (new HashicorpAuthSpec { Token = "tfy-k8s-secret://VAULT_TOKEN" }, new() { ["spec.hashicorp.auth.token"] = token });

    public static (HashicorpAuthSpec Auth, Dictionary<string, string> Credentials) AppRoleAuth(string roleId, string secretId) =>
        (new HashicorpAuthSpec { AppRole = new VaultAppRoleAuthSpec { RoleId = roleId, SecretId = "tfy-k8s-secret://VAULT_SECRET_ID" } },
            new() { ["spec.hashicorp.auth.appRole.secretId"] = secretId });

    public static HashicorpStoreSpec Spec(VaultFake fake, HashicorpAuthSpec auth) =>
        new() { Url = fake.BaseAddress.ToString(), KvMountPath = "secret", RootPath = RootPath, Auth = auth };

    public static ISecretStore Create(VaultFake fake, (HashicorpAuthSpec Auth, Dictionary<string, string> Credentials) auth, TimeProvider? time = null, Action<HashicorpStoreSpec>? customize = null)
    {
        var spec = Spec(fake, auth.Auth);
        customize?.Invoke(spec);
        return Create(spec, auth.Credentials, time);
    }

    public static ISecretStore Create(HashicorpStoreSpec spec, IReadOnlyDictionary<string, string> credentials, TimeProvider? time = null, VaultServiceAccountTokens? serviceAccountTokens = null)
    {
        var clock = time ?? TimeProvider.System;
        var integration = new SecretStoreIntegration
        {
            Metadata = new() { Name = "vault" },
            Spec = new SecretStoreIntegrationSpec { ProviderAccount = "local", Hashicorp = spec },
        };
        var context = new StoreContext(
            integration,
            new IntegrationFqn("acme", new Provider("hashicorp"), "local", "vault"),
            credentials,
            new TokenBucket(1000, 1000, clock),
            new StoreRetry(TimeProvider.System, baseDelay: TimeSpan.FromMilliseconds(1)),
            clock);
        return new HashicorpStoreFactory(tokenDirectory: Path.GetTempPath(), serviceAccountTokens).Create(context); // tests keep token files in the temp directory
    }
}
