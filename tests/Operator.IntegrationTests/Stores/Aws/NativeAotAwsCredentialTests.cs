using Operator.Entities.V1Alpha1;
using k8s;
using Operator.Runtime;
using Operator.Stores.Aws;
using Operator.Testing.Stores.Aws;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// The Native AOT binary (<see cref="NativeAotOperator"/>) on the AWS paths beyond SSM with an access key, one process
/// for all: Secrets Manager (our client over the SDK's SigV4 signer, every signature checked by the fake), SSM through
/// an STS AssumeRole (the SDK's STS client and its XML), SSM on the SDK's ambient chain (the process's environment),
/// and Secrets Manager refusing a wrong secret key (the SDK's error path) without the key showing anywhere.
/// </summary>
public sealed class NativeAotAwsCredentialTests(ITestOutputHelper output)
{
    private const string Ns = "team-aws";
    private const string Tenant = NativeAotOperator.Tenant;
    private const string Role = "arn:aws:iam::123456789012:role/secret-reader";
    private const string WrongSecretKey = "wrong-secret-key-CANARY-7d1e";

    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task NativeAotBinary_SyncsFromSecretsManager_AnAssumedRole_AndTheAmbientChain_AndRefusesAWrongKey()
    {
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var sm = await SecretsManagerFake.StartAsync(cancellationToken: ct);
        await using var ssm = await SsmFake.StartAsync(cancellationToken: ct);
        byte[] der = [0x30, 0x82, 0xFF, 0x00, 0xC3];
        sm.Seed($"tfy-secret/{Tenant}/payments/API_KEY", "sm-aot-1");
        sm.SeedBinary($"tfy-secret/{Tenant}/payments/TLS_KEY", der);
        sm.Seed("legacy/db", """{"username":"app","password":"sm-json-aot"}""");
        ssm.Seed($"/tfy-secret/{Tenant}/assumed/API_KEY", "via-role-aot");
        ssm.Seed($"/tfy-secret/{Tenant}/ambient/API_KEY", "via-env-aot");
        aot.WriteMountedSecret("SM_ACCESS_KEY_ID", SecretsManagerFake.DefaultAccessKeyId);
        aot.WriteMountedSecret("SM_SECRET_ACCESS_KEY", SecretsManagerFake.DefaultSecretAccessKey);
        aot.WriteMountedSecret("SM_WRONG_SECRET_ACCESS_KEY", WrongSecretKey);
        aot.WriteMountedSecret("SSM_ACCESS_KEY_ID", SsmFake.DefaultAccessKeyId);
        aot.WriteMountedSecret("SSM_SECRET_ACCESS_KEY", SsmFake.DefaultSecretAccessKey);

        var integrations = new ResourceClient<SecretStoreIntegration>(aot.Client);
        await integrations.CreateAsync(NativeAotOperator.Integration("aws-sm", spec =>
        {
            spec.Access = new IntegrationAccessSpec { AllowPathReferences = true };
            spec.Aws = new AwsStoreSpec { Service = AwsStoreFactory.SecretsManager, Region = SecretsManagerFake.Region, Endpoint = sm.Url, Auth = Keys("SM_ACCESS_KEY_ID", "SM_SECRET_ACCESS_KEY") };
        }), ct);
        await integrations.CreateAsync(NativeAotOperator.Integration("aws-sm-wrong", spec =>
            spec.Aws = new AwsStoreSpec { Service = AwsStoreFactory.SecretsManager, Region = SecretsManagerFake.Region, Endpoint = sm.Url, Auth = Keys("SM_ACCESS_KEY_ID", "SM_WRONG_SECRET_ACCESS_KEY") }), ct);
        await integrations.CreateAsync(NativeAotOperator.Integration("aws-role", spec =>
        {
            spec.Aws = new AwsStoreSpec { Region = SsmFake.Region, Endpoint = ssm.Url, StsEndpoint = ssm.Sts.Url, Auth = Keys("SSM_ACCESS_KEY_ID", "SSM_SECRET_ACCESS_KEY") };
            spec.Aws.Auth.RoleArn = Role;
        }), ct);
        await integrations.CreateAsync(NativeAotOperator.Integration("aws-ambient", spec =>
            spec.Aws = new AwsStoreSpec { Region = SsmFake.Region, Endpoint = ssm.Url }), ct);

        // The ambient chain finds the keys in the environment, as a pod given AWS_* variables would; nothing else is set.
        aot.Run(environment: new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = SsmFake.DefaultAccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = SsmFake.DefaultSecretAccessKey,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        });

        var groups = new ResourceClient<SecretGroup>(aot.Client);
        var sink = (await aot.WaitForIntegrationReadyAsync("aws-sm")).Status!.Fqn!;
        await groups.CreateAsync(NativeAotOperator.Group(Ns, "payments", sink, ["API_KEY", "TLS_KEY", "DB_PASSWORD"], g =>
            g.Spec.Secrets!.Single(s => s.Key == "DB_PASSWORD").RemoteRef = $"{sink}::legacy/db#password"), ct);
        await groups.CreateAsync(NativeAotOperator.Group(Ns, "assumed", (await aot.WaitForIntegrationReadyAsync("aws-role")).Status!.Fqn!, ["API_KEY"]), ct);
        await groups.CreateAsync(NativeAotOperator.Group(Ns, "ambient", (await aot.WaitForIntegrationReadyAsync("aws-ambient")).Status!.Fqn!, ["API_KEY"]), ct);

        await aot.WaitForGroupReadyAsync(Ns, "payments");
        var payments = (await aot.Client.CoreV1.ReadNamespacedSecretAsync("payments", Ns, cancellationToken: ct)).Data;
        Assert.Equal("sm-aot-1"u8.ToArray(), payments["API_KEY"]);
        Assert.Equal(der, payments["TLS_KEY"]);
        Assert.Equal("sm-json-aot"u8.ToArray(), payments["DB_PASSWORD"]);
        Assert.Contains(sm.Calls, c => c.Operation == "BatchGetSecretValue" && c.Status == 200 && c.Ids.Count == 3);

        await aot.WaitForGroupReadyAsync(Ns, "assumed");
        await aot.AssertSecretHoldsAsync(Ns, "assumed", new Dictionary<string, string> { ["API_KEY"] = "via-role-aot" });
        Assert.True(ssm.Sts.CallCount("AssumeRole") >= 1);
        Assert.Equal(Role, ssm.Sts.LastAssumeRole!.Value.RoleArn);
        Assert.Contains(ssm.Calls, c => c.Operation == "GetParameters" && c.AccessKeyId?.StartsWith("ASIA", StringComparison.Ordinal) == true);

        await aot.WaitForGroupReadyAsync(Ns, "ambient");
        await aot.AssertSecretHoldsAsync(Ns, "ambient", new Dictionary<string, string> { ["API_KEY"] = "via-env-aot" });

        // The wrong secret key: the fake refuses the signature as AWS does; the condition names the field, never the key.
        var refused = await aot.WaitForIntegrationNotReadyAsync("aws-sm-wrong");
        Assert.Equal("StoreAuthenticationFailed", refused.Reason);
        Assert.Contains(sm.Calls, c => c.ErrorCode == "InvalidSignatureException");
        var observed = string.Join("\n", aot.Process!.Output()) + refused.Message;
        Assert.DoesNotContain(WrongSecretKey, observed, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretsManagerFake.DefaultSecretAccessKey, observed, StringComparison.Ordinal);
        Assert.DoesNotContain("sm-aot-1", observed, StringComparison.Ordinal);
        aot.AssertCleanRun();
    }

    private static AwsAuthSpec Keys(string keyId, string secretKey) =>
        new() { AccessKeyId = $"tfy-k8s-secret://{keyId}", SecretAccessKey = $"tfy-k8s-secret://{secretKey}" };
}
