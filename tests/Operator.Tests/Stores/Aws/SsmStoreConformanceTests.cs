using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;
using Operator.Stores.Aws;
using Operator.Testing.Stores.Aws;

namespace Operator.Tests.Stores;

/// <summary>The SSM store, built by its factory, against the SSM wire-level fake.</summary>
public sealed class SsmStoreConformanceTests : StoreConformanceTests
{
    protected override async Task<IStoreFixture> CreateFixtureAsync() => new Fixture(await SsmFake.StartAsync());

    /// <summary>Builds SSM stores the way StoreConnector does: factory, resolved credentials, bucket and retry.</summary>
    internal static class SsmStores
    {
        public static SecretStoreIntegration Integration(SsmFake fake, Action<AwsStoreSpec>? customize = null)
        {
            var aws = new AwsStoreSpec
            {
                Region = SsmFake.Region,
                Endpoint = fake.Url,
                StsEndpoint = fake.Sts.Url,
                Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY" },
            };
            customize?.Invoke(aws);
            return new SecretStoreIntegration
            {
                Metadata = new V1ObjectMeta { Name = "aws-ssm" },
                Spec = new SecretStoreIntegrationSpec { ProviderAccount = "my-aws", Aws = aws, PathPrefix = "/tfy-secret/" },
            };
        }

        public static Dictionary<string, string> Keys(string accessKeyId = SsmFake.DefaultAccessKeyId, string secret = SsmFake.DefaultSecretAccessKey) => new()
        {
            ["spec.aws.auth.accessKeyId"] = accessKeyId,
            ["spec.aws.auth.secretAccessKey"] = secret,
        };

        public static ISecretStore Create(SecretStoreIntegration integration, IReadOnlyDictionary<string, string> credentials, TokenBucket? bucket = null, StoreRetry? retry = null, TimeProvider? time = null)
        {
            time ??= TimeProvider.System;
            var context = new StoreContext(
                integration,
                new IntegrationFqn("acme", new Provider("aws"), integration.Spec.ProviderAccount, integration.Metadata.Name),
                credentials,
                bucket ?? new TokenBucket(1000, 1000, time),
                retry ?? new StoreRetry(TimeProvider.System, baseDelay: TimeSpan.FromMilliseconds(1)),
                time);
            return new AwsStoreFactory().Create(context);
        }
    }

    private sealed class Fixture(SsmFake fake) : IStoreFixture
    {
        public ISecretStore Store { get; } = SsmStores.Create(SsmStores.Integration(fake), SsmStores.Keys());

        public GroupFqn Group { get; } = new("acme", "conformance");

        public string InvalidPath => "/tfy-secret/acme//bad name";

        public string CredentialCanary => "AKIACANARY0000000BAD";

        public int ReadCalls => fake.CallCount("GetParameters") + fake.CallCount("GetParameter") + fake.CallCount("GetParametersByPath");

        public int ExpectedReadCalls(int keys) => (keys + SsmStore.BatchSize - 1) / SsmStore.BatchSize;

        public Task SeedAsync(string path, string value)
        {
            fake.Seed(path, value);
            return Task.CompletedTask;
        }

        public void ThrottleNext(int calls) => fake.ThrottleNext(calls);

        public Task<ISecretStore> CreateWithBadCredentialsAsync() =>
            Task.FromResult(SsmStores.Create(SsmStores.Integration(fake), SsmStores.Keys(CredentialCanary, "secret-" + CredentialCanary)));

        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync();
            await fake.DisposeAsync();
        }
    }
}
