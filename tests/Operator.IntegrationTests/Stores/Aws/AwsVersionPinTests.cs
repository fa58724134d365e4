using Operator.Entities.V1Alpha1;
using Operator.Testing.Stores.Aws;

namespace Operator.IntegrationTests.Stores;

/// <summary>A remoteRef pinning a version in this store's notation, against its wire-level fake.</summary>
public sealed class AwsVersionPinTests
{
    [Fact]
    public async Task Ssm_PinsByNumberAndByLabel()
    {
        await using var h = await OperatorHarness.StartAsync();
        await using var fake = await SsmFake.StartAsync();
        await h.CreateNamespaceAsync(VersionPinning.Ns);
        h.WriteMountedSecret("AWS_ACCESS_KEY_ID", SsmFake.DefaultAccessKeyId);
        h.WriteMountedSecret("AWS_SECRET_ACCESS_KEY", SsmFake.DefaultSecretAccessKey);
        await h.CreateIntegrationAsync("ssm", ssi =>
        {
            ssi.Spec.Kubernetes = null;
            ssi.Spec.Access = new IntegrationAccessSpec { AllowPathReferences = true };
            ssi.Spec.Aws = new AwsStoreSpec
            {
                Region = "us-east-1",
                Endpoint = fake.Url,
                StsEndpoint = fake.Sts.Url,
                Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://AWS_ACCESS_KEY_ID", SecretAccessKey = "tfy-k8s-secret://AWS_SECRET_ACCESS_KEY" },
            };
        });
        foreach (var key in new[] { "A", "B", "C" })
        {
            fake.Seed($"/tfy-secret/acme/pins/{key}", $"{key}-1");
            fake.Seed($"/tfy-secret/acme/pins/{key}", $"{key}-2");
        }

        fake.Label("/tfy-secret/acme/pins/C", 1, "stable");
        var fqn = h.FqnOf("ssm").Replace(":kubernetes:", ":aws:", StringComparison.Ordinal);
        var group = await VersionPinning.SyncAsync(h, fqn, ("A", "/tfy-secret/acme/pins/A:1"), ("B", null), ("C", "/tfy-secret/acme/pins/C:stable"));

        Assert.Equal(("A-1", "B-2", "C-1"), (await VersionPinning.ValueAsync(h, "A"), await VersionPinning.ValueAsync(h, "B"), await VersionPinning.ValueAsync(h, "C")));
        VersionPinning.AssertKey(group, "A", "1", pinned: true, $"{fqn}::/tfy-secret/acme/pins/A:1");
        VersionPinning.AssertKey(group, "B", "2", pinned: false, $"{fqn}::/tfy-secret/acme/pins/B");
        VersionPinning.AssertKey(group, "C", "1", pinned: true, $"{fqn}::/tfy-secret/acme/pins/C:stable");
    }
}
