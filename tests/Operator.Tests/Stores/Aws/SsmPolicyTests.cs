using Operator.References;
using Operator.Stores;
using Operator.Testing.Stores.Aws;
using SsmStores = Operator.Tests.Stores.SsmStoreConformanceTests.SsmStores;

namespace Operator.Tests.Stores;

/// <summary>SSM under the IAM policies and endpoints production uses.</summary>
public sealed class SsmPolicyTests
{
    [Fact]
    public async Task Validation_AndReads_WorkUnderAPolicyScopedToTheTenantsParameters()
    {
        await using var fake = await SsmFake.StartAsync();
        fake.Seed("/tfy-secret/acme/payments/K", "v");
        fake.AllowOnly("/tfy-secret/acme/*");
        await using var store = SsmStores.Create(SsmStores.Integration(fake), SsmStores.Keys());

        await store.ValidateAsync(CancellationToken.None);
        var value = await store.ReadAsync(store.DefaultPath(new GroupFqn("acme", "payments"), "K"), CancellationToken.None);

        Assert.Equal("v", value!.Text());
        Assert.DoesNotContain(fake.Calls, c => c.Status != 200);
    }

    [Fact]
    public async Task AssumedRoleWithAnEndpoint_NeverSendsAssumeRoleToTheSsmEndpoint()
    {
        await using var fake = await SsmFake.StartAsync();
        fake.Seed("/tfy-secret/acme/payments/K", "v");
        await using var store = SsmStores.Create(
            SsmStores.Integration(fake, a => a.Auth!.RoleArn = "arn:aws:iam::123456789012:role/reader"),
            SsmStores.Keys());

        await store.ValidateAsync(CancellationToken.None);

        Assert.DoesNotContain(fake.Calls, c => c.Operation == "Unknown");
        Assert.Equal(1, fake.Sts.CallCount("AssumeRole"));
    }
}
