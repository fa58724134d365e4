using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;
using Operator.Stores.Aws;
using Operator.Testing.Stores.Aws;

namespace Operator.Tests.Stores;

/// <summary>The Secrets Manager store, built by the aws factory (<c>service: secrets-manager</c>), against its wire-level fake.</summary>
public sealed class SecretsManagerStoreConformanceTests : StoreConformanceTests
{
    protected override async Task<IStoreFixture> CreateFixtureAsync() => new Fixture(await SecretsManagerFake.StartAsync());

    private sealed class Fixture(SecretsManagerFake fake) : IStoreFixture
    {
        public ISecretStore Store { get; } = SecretsManagerStores.Create(fake);

        public GroupFqn Group { get; } = new("acme", "conformance");

        public string InvalidPath => "tfy-secret/acme/bad name";

        public string CredentialCanary => "AKIACANARY0000000BAD";

        public int ReadCalls => fake.CallCount("BatchGetSecretValue") + fake.CallCount("GetSecretValue");

        public int ExpectedReadCalls(int keys) => (keys + SecretsManagerStore.BatchSize - 1) / SecretsManagerStore.BatchSize;

        public Task SeedAsync(string path, string value)
        {
            fake.Seed(path, value);
            return Task.CompletedTask;
        }

        public void ThrottleNext(int calls) => fake.ThrottleNext(calls);

        public Task<ISecretStore> CreateWithBadCredentialsAsync() =>
            Task.FromResult(SecretsManagerStores.Create(fake, SecretsManagerStores.Keys(CredentialCanary, "secret-" + CredentialCanary)));

        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync();
            await fake.DisposeAsync();
        }
    }
}

/// <summary>Builds Secrets Manager stores the way StoreConnector does: the aws factory, resolved credentials, bucket and retry.</summary>
internal static class SecretsManagerStores
{
    public static SecretStoreIntegration Integration(SecretsManagerFake fake, Action<AwsStoreSpec>? customize = null)
    {
        var aws = new AwsStoreSpec
        {
            Service = "secrets-manager",
            Region = SecretsManagerFake.Region,
            Endpoint = fake.Url,
            Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY" },
        };
        customize?.Invoke(aws);
        return new SecretStoreIntegration
        {
            Metadata = new V1ObjectMeta { Name = "aws-sm" },
            Spec = new SecretStoreIntegrationSpec { ProviderAccount = "my-aws", Aws = aws },
        };
    }

    public static Dictionary<string, string> Keys(string accessKeyId = SecretsManagerFake.DefaultAccessKeyId, string secret = SecretsManagerFake.DefaultSecretAccessKey) => new()
    {
        ["spec.aws.auth.accessKeyId"] = accessKeyId,
        ["spec.aws.auth.secretAccessKey"] = secret,
    };

    public static ISecretStore Create(SecretsManagerFake fake, Dictionary<string, string>? keys = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var integration = Integration(fake);
        var context = new StoreContext(
            integration,
            new IntegrationFqn("acme", new Provider("aws"), integration.Spec.ProviderAccount, integration.Metadata.Name),
            keys ?? Keys(),
            new TokenBucket(1000, 1000, time),
            new StoreRetry(TimeProvider.System, baseDelay: TimeSpan.FromMilliseconds(1)),
            time);
        return new AwsStoreFactory().Create(context);
    }
}
