using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;
using Operator.Stores.Aws;
using Operator.Testing;
using Operator.Testing.Stores.Aws;

namespace Operator.IntegrationTests.Stores;

/// <summary>
/// The in-process operator on the two ways EKS pods get AWS credentials without a key in spec.aws.auth, each from a
/// real ServiceAccount token the API emulator issues and vouches for through TokenReview: IRSA (AWS_ROLE_ARN +
/// AWS_WEB_IDENTITY_TOKEN_FILE, exchanged at STS AssumeRoleWithWebIdentity) and EKS Pod Identity
/// (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE). The variables reach the operator
/// through <see cref="AwsAmbientEnvironment"/>: the test host's own environment is shared by every test.
/// </summary>
public sealed class AwsPodIdentityTests
{
    internal const string Ns = "team-aws";
    internal const string Role = "arn:aws:iam::123456789012:role/secret-reader";
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Irsa_SyncsWithTheTokensTemporaryKeys_AndAnUntrustedRoleLeavesTheIntegrationNotReady()
    {
        var env = new Dictionary<string, string>();
        await using var h = await OperatorHarness.StartAsync(startOperator: false, configureServices: s => s.AddSingleton(new AwsAmbientEnvironment(env.GetValueOrDefault)));
        await using var ssm = await SsmFake.StartAsync(cancellationToken: ct);
        await using var otherAccount = await SsmFake.StartAsync(cancellationToken: ct);
        await h.CreateNamespaceAsync(Ns);
        ssm.Seed($"/tfy-secret/{h.Tenant}/irsa/API_KEY", "via-irsa");
        ssm.Sts.AddOidcProvider(new StsOidcProvider(Issuer, (jwt, c) => IsGenuineAsync(h.Client, jwt, StsOidcProvider.DefaultAudience, c)));
        ssm.Sts.TrustWebIdentity(Role, ShippedRbac.User);
        otherAccount.Sts.AddOidcProvider(new StsOidcProvider(Issuer, (jwt, c) => IsGenuineAsync(h.Client, jwt, StsOidcProvider.DefaultAudience, c)));
        var token = await ServiceAccountTokenAsync(h.Client, StsOidcProvider.DefaultAudience, ct);
        var tokenFile = Path.Combine(h.MountDirectory, "..", $"irsa-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(tokenFile, token, ct);
        env[AwsAmbientEnvironment.RoleArnVariable] = Role;
        env[AwsAmbientEnvironment.WebIdentityTokenFileVariable] = Path.GetFullPath(tokenFile);
        env[AwsAmbientEnvironment.RoleSessionNameVariable] = "secretgroup-irsa";

        // The role is in the environment, STS at the integration's stsEndpoint; the second account trusts no one.
        await h.CreateIntegrationAsync("aws-irsa", ssi => Ambient(ssi, ssm.Url, ssm.Sts.Url));
        await h.CreateIntegrationAsync("aws-irsa-untrusted", ssi => Ambient(ssi, otherAccount.Url, otherAccount.Sts.Url));
        await h.StartOperatorAsync();
        await h.WaitForIntegrationAsync("aws-irsa");
        await h.CreateGroupAsync(Ns, "irsa", ["API_KEY"], g => g.Spec.IntegrationFqn = $"{h.Tenant}:aws:my-aws:secret-store:aws-irsa");
        await h.WaitForGroupAsync(Ns, "irsa", "True");

        Assert.Equal("via-irsa"u8.ToArray(), (await h.GetSecretAsync(Ns, "irsa"))!.Data["API_KEY"]);
        var call = ssm.Sts.LastWebIdentity!.Value;
        Assert.Equal((Role, "secretgroup-irsa", ShippedRbac.User, false), call);
        Assert.Contains(ssm.Calls, c => c.Operation == "GetParameters" && c.Status == 200 && c.AccessKeyId!.StartsWith("ASIAFAKESTS", StringComparison.Ordinal));
        Assert.DoesNotContain(ssm.Calls, c => c.AccessKeyId == SsmFake.DefaultAccessKeyId);

        var refused = await ReadyAsync(h, "aws-irsa-untrusted", "False");
        Assert.Equal("StoreAuthenticationFailed", refused.Reason);
        Assert.Contains("AccessDenied", refused.Message, StringComparison.Ordinal);
        Assert.Contains("trust policy", refused.Message, StringComparison.Ordinal);
        await AssertNowhereAsync(h, token);
    }

    [Fact]
    public async Task PodIdentity_SyncsWithTheAgentsKeys_AndAWrongTokenLeavesTheIntegrationNotReady()
    {
        foreach (var genuine in new[] { true, false })
        {
            var env = new Dictionary<string, string>();
            await using var h = await OperatorHarness.StartAsync(startOperator: false, configureServices: s => s.AddSingleton(new AwsAmbientEnvironment(env.GetValueOrDefault)));
            await using var ssm = await SsmFake.StartAsync(cancellationToken: ct);
            await using var agent = await PodIdentityAgentFake.StartAsync(ssm, (jwt, c) => IsGenuineAsync(h.Client, jwt, PodIdentityAgentFake.Audience, c), ct);
            await h.CreateNamespaceAsync(Ns);
            ssm.Seed($"/tfy-secret/{h.Tenant}/pod/API_KEY", "via-pod-identity");
            agent.Associate(ShippedRbac.User, Role);

            // A wrong token: one for another audience, which EKS Auth refuses.
            var token = await ServiceAccountTokenAsync(h.Client, genuine ? PodIdentityAgentFake.Audience : "https://kubernetes.default.svc", ct);
            var tokenFile = Path.GetFullPath(Path.Combine(h.MountDirectory, "..", $"pod-identity-token-{Guid.NewGuid():N}"));
            await File.WriteAllTextAsync(tokenFile, token, ct);
            env[AwsAmbientEnvironment.ContainerFullUriVariable] = agent.CredentialsUri;
            env[AwsAmbientEnvironment.ContainerTokenFileVariable] = tokenFile;
            await h.CreateIntegrationAsync("aws-pod", ssi => Ambient(ssi, ssm.Url, stsEndpoint: null));
            await h.StartOperatorAsync();

            if (!genuine)
            {
                var refused = await ReadyAsync(h, "aws-pod", "False");
                Assert.Equal("StoreAuthenticationFailed", refused.Reason);
                Assert.Contains("refused the pod's token (HTTP 401)", refused.Message, StringComparison.Ordinal);
                Assert.Equal(0, agent.Issued);
                Assert.Equal(0, ssm.TotalCalls);
                await AssertNowhereAsync(h, token);
                continue;
            }

            await h.WaitForIntegrationAsync("aws-pod");
            await h.CreateGroupAsync(Ns, "pod", ["API_KEY"], g => g.Spec.IntegrationFqn = $"{h.Tenant}:aws:my-aws:secret-store:aws-pod");
            await h.WaitForGroupAsync(Ns, "pod", "True");
            Assert.Equal("via-pod-identity"u8.ToArray(), (await h.GetSecretAsync(Ns, "pod"))!.Data["API_KEY"]);
            Assert.True(agent.Issued >= 1);
            Assert.All(ssm.Calls, c => Assert.StartsWith("ASIAFAKEPOD", c.AccessKeyId, StringComparison.Ordinal));
            await AssertNowhereAsync(h, token);
        }
    }

    internal const string Issuer = "https://kubernetes.default.svc.cluster.local";

    /// <summary>What the EKS webhook (or the pod identity agent's projected volume) mounts: a token of the operator's ServiceAccount for <paramref name="audience"/>.</summary>
    internal static async Task<string> ServiceAccountTokenAsync(IKubernetes admin, string audience, CancellationToken cancellationToken) =>
        (await admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { Audiences = [audience], ExpirationSeconds = 3600 } },
            ShippedRbac.ServiceAccount, ShippedRbac.Namespace, cancellationToken: cancellationToken)).Status.Token;

    /// <summary>The issuer's word on a token (signature, expiry, audience), as STS and EKS Auth check it: a TokenReview.</summary>
    internal static async Task<bool> IsGenuineAsync(IKubernetes admin, string jwt, string audience, CancellationToken cancellationToken) =>
        (await admin.AuthenticationV1.CreateTokenReviewAsync(
            new V1TokenReview { Spec = new V1TokenReviewSpec { Token = jwt, Audiences = [audience] } }, cancellationToken: cancellationToken)).Status.Authenticated == true;

    private static void Ambient(SecretStoreIntegration ssi, string endpoint, string? stsEndpoint)
    {
        ssi.Spec.ProviderAccount = "my-aws";
        ssi.Spec.Kubernetes = null;
        ssi.Spec.Aws = new AwsStoreSpec { Region = SsmFake.Region, Endpoint = endpoint, StsEndpoint = stsEndpoint };
    }

    private static async Task<V1Condition> ReadyAsync(OperatorHarness h, string name, string status)
    {
        await h.WaitForIntegrationAsync(name, status);
        var integration = await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, name), CancellationToken.None);
        return integration!.Status!.Conditions!.Single(c => c.Type == "Ready");
    }

    /// <summary>The token (and its signature part alone) appears in no log line and no integration status.</summary>
    private static async Task AssertNowhereAsync(OperatorHarness h, string token)
    {
        var integrations = await new ResourceClient<SecretStoreIntegration>(h.Client).ListAsync(null, null, CancellationToken.None);
        var observed = string.Join("\n", h.AllLogs()) + KubernetesJson.Serialize(integrations.Select(i => i.Status));
        Assert.DoesNotContain(token, observed, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[2], observed, StringComparison.Ordinal);
    }
}
