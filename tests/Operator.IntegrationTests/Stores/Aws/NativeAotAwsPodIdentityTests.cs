using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Testing;
using Operator.Testing.Stores.Aws;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// The Native AOT binary (<see cref="NativeAotOperator"/>) on the identities EKS gives a pod, from the real process
/// environment: IRSA (our AssumeRoleWithWebIdentity over the SDK's STS client, unsigned) and EKS Pod Identity (our
/// container-credentials GET). Two processes: the AWS chain tries IRSA first, so one environment cannot hold both.
/// Tokens are the API emulator's, for sts.amazonaws.com and pods.eks.amazonaws.com, vouched for by its TokenReview.
/// </summary>
public sealed class NativeAotAwsPodIdentityTests(ITestOutputHelper output)
{
    private const string Ns = AwsPodIdentityTests.Ns;
    private const string Role = AwsPodIdentityTests.Role;
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task NativeAotBinary_SyncsWithIrsa_AndReportsAnUntrustedRole()
    {
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var ssm = await SsmFake.StartAsync(cancellationToken: ct);
        await using var otherAccount = await SsmFake.StartAsync(cancellationToken: ct);
        ssm.Seed($"/tfy-secret/{NativeAotOperator.Tenant}/irsa/API_KEY", "via-irsa-aot");
        ssm.Sts.AddOidcProvider(new StsOidcProvider(AwsPodIdentityTests.Issuer, (jwt, c) => AwsPodIdentityTests.IsGenuineAsync(aot.Client, jwt, StsOidcProvider.DefaultAudience, c)));
        ssm.Sts.TrustWebIdentity(Role, ShippedRbac.User);
        otherAccount.Sts.AddOidcProvider(new StsOidcProvider(AwsPodIdentityTests.Issuer, (jwt, c) => AwsPodIdentityTests.IsGenuineAsync(aot.Client, jwt, StsOidcProvider.DefaultAudience, c)));
        var token = await AwsPodIdentityTests.ServiceAccountTokenAsync(aot.Client, StsOidcProvider.DefaultAudience, ct);
        var tokenFile = Path.Combine(aot.WorkPath, "irsa-token");
        await File.WriteAllTextAsync(tokenFile, token, ct);

        var integrations = new ResourceClient<SecretStoreIntegration>(aot.Client);
        // STS from AWS_ENDPOINT_URL_STS (as the SDKs honour it) for the first; the untrusted account's at its stsEndpoint.
        await integrations.CreateAsync(NativeAotOperator.Integration("aws-irsa", spec => spec.Aws = new AwsStoreSpec { Region = SsmFake.Region, Endpoint = ssm.Url }), ct);
        await integrations.CreateAsync(NativeAotOperator.Integration("aws-irsa-untrusted", spec => spec.Aws = new AwsStoreSpec { Region = SsmFake.Region, Endpoint = otherAccount.Url, StsEndpoint = otherAccount.Sts.Url }), ct);
        aot.Run(environment: new Dictionary<string, string>
        {
            ["AWS_ROLE_ARN"] = Role,
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile,
            ["AWS_ENDPOINT_URL_STS"] = ssm.Sts.Url,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        });

        var fqn = (await aot.WaitForIntegrationReadyAsync("aws-irsa")).Status!.Fqn!;
        await new ResourceClient<SecretGroup>(aot.Client).CreateAsync(NativeAotOperator.Group(Ns, "irsa", fqn, ["API_KEY"]), ct);
        await aot.WaitForGroupReadyAsync(Ns, "irsa");
        await aot.AssertSecretHoldsAsync(Ns, "irsa", new Dictionary<string, string> { ["API_KEY"] = "via-irsa-aot" });
        var call = ssm.Sts.LastWebIdentity!.Value;
        Assert.Equal(Role, call.RoleArn);
        Assert.Equal(ShippedRbac.User, call.Subject);
        Assert.False(call.Signed);
        Assert.StartsWith($"tfy-secret-operator-{NativeAotOperator.Tenant}", call.SessionName, StringComparison.Ordinal);
        Assert.Contains(ssm.Calls, c => c.Operation == "GetParameters" && c.Status == 200 && c.AccessKeyId!.StartsWith("ASIAFAKESTS", StringComparison.Ordinal));

        var refused = await aot.WaitForIntegrationNotReadyAsync("aws-irsa-untrusted");
        output.WriteLine($"{refused.Reason}: {refused.Message}");
        Assert.Equal("StoreAuthenticationFailed", refused.Reason);
        Assert.Contains("AccessDenied", refused.Message, StringComparison.Ordinal);
        AssertNowhere(aot, token, refused.Message);
        aot.AssertCleanRun();
    }

    [Fact]
    public async Task NativeAotBinary_SyncsWithEksPodIdentity()
    {
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var ssm = await SsmFake.StartAsync(cancellationToken: ct);
        await using var agent = await PodIdentityAgentFake.StartAsync(ssm, (jwt, c) => AwsPodIdentityTests.IsGenuineAsync(aot.Client, jwt, PodIdentityAgentFake.Audience, c), ct);
        agent.Associate(ShippedRbac.User, Role);
        var token = await AwsPodIdentityTests.ServiceAccountTokenAsync(aot.Client, PodIdentityAgentFake.Audience, ct);
        var tokenFile = Path.Combine(aot.WorkPath, "eks-pod-identity-token");
        await File.WriteAllTextAsync(tokenFile, token, ct);
        ssm.Seed($"/tfy-secret/{NativeAotOperator.Tenant}/db/API_KEY", "via-pod-identity-aot");

        await aot.SyncGroupAsync(
            NativeAotOperator.Integration("aws-pod", spec => spec.Aws = new AwsStoreSpec { Region = SsmFake.Region, Endpoint = ssm.Url }),
            Ns,
            new Dictionary<string, string> { ["API_KEY"] = "via-pod-identity-aot" },
            new Dictionary<string, string>
            {
                ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.CredentialsUri,
                ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = tokenFile,
                ["AWS_EC2_METADATA_DISABLED"] = "true",
            });
        Assert.True(agent.Issued >= 1);
        Assert.All(ssm.Calls, c => Assert.StartsWith("ASIAFAKEPOD", c.AccessKeyId, StringComparison.Ordinal));
        AssertNowhere(aot, token, "");
    }

    [Fact]
    public async Task NativeAotBinary_ReportsAPodIdentityTokenTheAgentRefuses()
    {
        await using var aot = await NativeAotOperator.StartAsync(output, Ns);
        await using var ssm = await SsmFake.StartAsync(cancellationToken: ct);
        await using var agent = await PodIdentityAgentFake.StartAsync(ssm, (jwt, c) => AwsPodIdentityTests.IsGenuineAsync(aot.Client, jwt, PodIdentityAgentFake.Audience, c), ct);
        agent.Associate(ShippedRbac.User, Role);
        // A token of the right ServiceAccount for the wrong audience: the agent (EKS Auth) refuses it.
        var token = await AwsPodIdentityTests.ServiceAccountTokenAsync(aot.Client, "https://kubernetes.default.svc", ct);
        var tokenFile = Path.Combine(aot.WorkPath, "eks-pod-identity-token");
        await File.WriteAllTextAsync(tokenFile, token, ct);
        await new ResourceClient<SecretStoreIntegration>(aot.Client).CreateAsync(
            NativeAotOperator.Integration("aws-pod", spec => spec.Aws = new AwsStoreSpec { Region = SsmFake.Region, Endpoint = ssm.Url }), ct);
        aot.Run(environment: new Dictionary<string, string>
        {
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.CredentialsUri,
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = tokenFile,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        });

        var refused = await aot.WaitForIntegrationNotReadyAsync("aws-pod");
        output.WriteLine($"{refused.Reason}: {refused.Message}");
        Assert.Equal("StoreAuthenticationFailed", refused.Reason);
        Assert.Contains("refused the pod's token (HTTP 401)", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, agent.Issued);
        Assert.Equal(0, ssm.TotalCalls);
        AssertNowhere(aot, token, refused.Message);
    }

    private static void AssertNowhere(NativeAotOperator aot, string token, string message)
    {
        var observed = string.Join("\n", aot.Process!.Output()) + message;
        Assert.DoesNotContain(token, observed, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[2], observed, StringComparison.Ordinal);
    }
}
