using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Operator.Testing.Kube;

namespace Operator.Testing.Tests;

/// <summary>Bearer tokens, ServiceAccount tokens (TokenRequest), TokenReview audiences and anonymous requests.</summary>
public sealed class AuthenticationTests
{
    private const string ApiAudience = "https://kubernetes.default.svc.cluster.local";

    [Fact]
    public async Task TokenRequest_IssuesAToken_ThatActsAsTheServiceAccount()
    {
        await using var kube = await TestKube.StartAsync();
        var sa = await CreateServiceAccountAsync(kube, "robot");

        var issued = await RequestTokenAsync(kube, "robot");
        using var robot = kube.Emulator.CreateClient(issued.Status.Token);
        var me = await robot.AuthenticationV1.CreateSelfSubjectReviewAsync(new V1SelfSubjectReview(), cancellationToken: TestKube.Ct);

        Assert.Equal($"system:serviceaccount:{kube.Namespace}:robot", me.Status.UserInfo.Username);
        Assert.Equal(sa.Metadata.Uid, me.Status.UserInfo.Uid);
        Assert.Equal(["system:serviceaccounts", $"system:serviceaccounts:{kube.Namespace}", "system:authenticated"], me.Status.UserInfo.Groups);
        Assert.Equal([ApiAudience], issued.Spec.Audiences);
        Assert.Equal(3600, issued.Spec.ExpirationSeconds);
        Assert.Equal(3, issued.Status.Token.Split('.').Length); // a JWT, as Vault's kubernetes auth expects
    }

    [Fact]
    public async Task TokenRequest_RefusesWhatTheApiServerRefuses()
    {
        await using var kube = await TestKube.StartAsync();
        await CreateServiceAccountAsync(kube, "robot");

        var missing = await TestKube.ExpectStatusAsync(HttpStatusCode.NotFound, () => RequestTokenAsync(kube, "nobody"));
        Assert.Equal("serviceaccounts \"nobody\" not found", Message(missing));
        var tooShort = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity, () => RequestTokenAsync(kube, "robot", expirationSeconds: 599));
        Assert.EndsWith("spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes", Message(tooShort), StringComparison.Ordinal);
        await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity, () => RequestTokenAsync(kube, "robot", expirationSeconds: (1L << 32) + 1));
        var wrongName = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity, () => kube.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Metadata = new V1ObjectMeta { Name = "other" }, Spec = new V1TokenRequestSpec() }, "robot", kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.EndsWith("metadata.name: Invalid value: \"other\": must match the service account name if specified", Message(wrongName), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceAccountToken_ExpiresOnTheEmulatorsClock_WithTheApiServersOneMinuteLeeway()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var kube = await TestKube.StartAsync(new KubeApiEmulatorOptions { TimeProvider = time });
        await CreateServiceAccountAsync(kube, "robot");
        var issued = await RequestTokenAsync(kube, "robot", expirationSeconds: 600);
        Assert.Equal(time.GetUtcNow().AddSeconds(600).UtcDateTime, issued.Status.ExpirationTimestamp?.ToUniversalTime());
        using var robot = kube.Emulator.CreateClient(issued.Status.Token);

        time.Advance(TimeSpan.FromSeconds(600 + 60));
        await robot.AuthenticationV1.CreateSelfSubjectReviewAsync(new V1SelfSubjectReview(), cancellationToken: TestKube.Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        var refused = await TestKube.ExpectStatusAsync(HttpStatusCode.Unauthorized,
            () => robot.AuthenticationV1.CreateSelfSubjectReviewAsync(new V1SelfSubjectReview(), cancellationToken: TestKube.Ct));

        Assert.Equal("Unauthorized", (string?)JsonNode.Parse(refused.Response.Content)!["reason"]);
        var review = await ReviewAsync(kube, issued.Status.Token);
        Assert.False(review.Status.Authenticated);
        Assert.Equal("service account token has expired", review.Status.Error);
    }

    [Fact]
    public async Task ServiceAccountToken_DiesWithItsServiceAccount_EvenWhenANamesakeIsCreated()
    {
        await using var kube = await TestKube.StartAsync();
        var first = await CreateServiceAccountAsync(kube, "robot");
        var token = (await RequestTokenAsync(kube, "robot")).Status.Token;
        using var robot = kube.Emulator.CreateClient(token);

        await kube.Client.CoreV1.DeleteNamespacedServiceAccountAsync("robot", kube.Namespace, cancellationToken: TestKube.Ct);
        await TestKube.ExpectStatusAsync(HttpStatusCode.Unauthorized, () => robot.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Equal("serviceaccount \"robot\" not found", (await ReviewAsync(kube, token)).Status.Error);

        var second = await CreateServiceAccountAsync(kube, "robot");
        await TestKube.ExpectStatusAsync(HttpStatusCode.Unauthorized, () => robot.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Equal($"service account UID ({second.Metadata.Uid}) does not match claim ({first.Metadata.Uid})", (await ReviewAsync(kube, token)).Status.Error);
    }

    [Fact]
    public async Task BoundToken_DiesWithTheObjectItIsBoundTo()
    {
        await using var kube = await TestKube.StartAsync();
        await CreateServiceAccountAsync(kube, "robot");
        var pod = await kube.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "worker" },
            Spec = new V1PodSpec { ServiceAccountName = "robot", Containers = [new V1Container { Name = "app", Image = "app" }] },
        }, kube.Namespace, cancellationToken: TestKube.Ct);
        var secret = await kube.CreateSecretAsync("session");
        var podToken = await RequestBoundTokenAsync(kube, new V1BoundObjectReference { ApiVersion = "v1", Kind = "Pod", Name = "worker", Uid = pod.Metadata.Uid });
        var secretToken = await RequestBoundTokenAsync(kube, new V1BoundObjectReference { ApiVersion = "v1", Kind = "Secret", Name = "session" });

        Assert.Equal(["worker"], (await ReviewAsync(kube, podToken)).Status.User.Extra["authentication.kubernetes.io/pod-name"]);
        Assert.True((await ReviewAsync(kube, secretToken)).Status.Authenticated);
        await kube.Client.CoreV1.DeleteNamespacedSecretAsync(secret.Metadata.Name, kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal("service account token has been invalidated", (await ReviewAsync(kube, secretToken)).Status.Error);

        await CreateServiceAccountAsync(kube, "other");
        var foreignPod = await TestKube.ExpectStatusAsync(HttpStatusCode.BadRequest, () => kube.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { BoundObjectRef = new V1BoundObjectReference { ApiVersion = "v1", Kind = "Pod", Name = "worker" } } },
            "other", kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Equal("cannot bind token for serviceaccount \"other\" to pod running with different serviceaccount name.", Message(foreignPod));
    }

    private static async Task<string> RequestBoundTokenAsync(TestKube kube, V1BoundObjectReference boundTo) =>
        (await kube.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { BoundObjectRef = boundTo } }, "robot", kube.Namespace, cancellationToken: TestKube.Ct)).Status.Token;

    private static string Message(k8s.Autorest.HttpOperationException error) => (string?)JsonNode.Parse(error.Response.Content)!["message"] ?? "";

    [Fact]
    public async Task TokenReview_AcceptsATokenOnlyForTheAudiencesItWasIssuedFor()
    {
        await using var kube = await TestKube.StartAsync();
        await CreateServiceAccountAsync(kube, "vault-auth");
        var vaultToken = (await RequestTokenAsync(kube, "vault-auth", audiences: ["vault"])).Status.Token;
        var apiToken = (await RequestTokenAsync(kube, "vault-auth")).Status.Token;

        var forVault = await ReviewAsync(kube, vaultToken, "vault");
        Assert.True(forVault.Status.Authenticated);
        Assert.Equal(["vault"], forVault.Status.Audiences);
        Assert.Equal($"system:serviceaccount:{kube.Namespace}:vault-auth", forVault.Status.User.Username);

        var forApi = await ReviewAsync(kube, vaultToken);
        Assert.False(forApi.Status.Authenticated);
        Assert.Equal($"token audiences [\"vault\"] is invalid for the target audiences [\"{ApiAudience}\"]", forApi.Status.Error);
        Assert.False((await ReviewAsync(kube, apiToken, "vault")).Status.Authenticated);
        using var withVaultToken = kube.Emulator.CreateClient(vaultToken);
        await TestKube.ExpectStatusAsync(HttpStatusCode.Unauthorized, () => withVaultToken.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task StaticTokens_AuthenticateForTheApiServersAudienceOnly_AndUnknownTokensGet401()
    {
        await using var kube = await TestKube.StartAsync(new KubeApiEmulatorOptions { StaticTokens = [new StaticToken("alice-token", "alice", "u-1", "dev")] });

        var review = await ReviewAsync(kube, "alice-token");
        Assert.True(review.Status.Authenticated);
        Assert.Equal("alice", review.Status.User.Username);
        Assert.Equal(["dev", "system:authenticated"], review.Status.User.Groups);
        Assert.Equal([ApiAudience], review.Status.Audiences);
        Assert.False((await ReviewAsync(kube, "alice-token", "vault")).Status.Authenticated);
        Assert.Equal("invalid bearer token", (await ReviewAsync(kube, "no-such-token")).Status.Error);
        await TestKube.ExpectStatusAsync(HttpStatusCode.BadRequest, () => ReviewAsync(kube, ""));

        using var stranger = kube.Emulator.CreateClient("no-such-token");
        var refused = await TestKube.ExpectStatusAsync(HttpStatusCode.Unauthorized, () => stranger.CoreV1.ListNamespaceAsync(cancellationToken: TestKube.Ct));
        Assert.Equal("Unauthorized", (string?)JsonNode.Parse(refused.Response.Content)!["message"]);
    }

    [Fact]
    public async Task RequestsWithoutAToken_AreSystemAnonymous_UnlessAnonymousAuthIsOff()
    {
        await using var kube = await TestKube.StartAsync();
        using var anonymous = new Kubernetes(new KubernetesClientConfiguration { Host = kube.Emulator.BaseAddress.ToString() });
        var me = await anonymous.AuthenticationV1.CreateSelfSubjectReviewAsync(new V1SelfSubjectReview(), cancellationToken: TestKube.Ct);
        Assert.Equal("system:anonymous", me.Status.UserInfo.Username);
        Assert.Equal(["system:unauthenticated"], me.Status.UserInfo.Groups);

        await using var closed = await TestKube.StartAsync(new KubeApiEmulatorOptions { AnonymousAuth = false });
        using var refused = new Kubernetes(new KubernetesClientConfiguration { Host = closed.Emulator.BaseAddress.ToString() });
        await TestKube.ExpectStatusAsync(HttpStatusCode.Unauthorized, () => refused.CoreV1.ListNamespaceAsync(cancellationToken: TestKube.Ct));
    }

    internal static Task<V1ServiceAccount> CreateServiceAccountAsync(TestKube kube, string name) =>
        kube.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = name } }, kube.Namespace, cancellationToken: TestKube.Ct);

    internal static Task<Authenticationv1TokenRequest> RequestTokenAsync(TestKube kube, string serviceAccount, long? expirationSeconds = null, IList<string>? audiences = null) =>
        kube.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = expirationSeconds, Audiences = audiences } },
            serviceAccount, kube.Namespace, cancellationToken: TestKube.Ct);

    internal static Task<Authenticationv1TokenRequest> RequestTokenAsync(IKubernetes client, string ns, string serviceAccount) =>
        client.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec() }, serviceAccount, ns, cancellationToken: TestKube.Ct);

    private static Task<V1TokenReview> ReviewAsync(TestKube kube, string token, params string[] audiences) =>
        kube.Client.AuthenticationV1.CreateTokenReviewAsync(
            new V1TokenReview { Spec = new V1TokenReviewSpec { Token = token, Audiences = audiences.Length == 0 ? null : audiences } }, cancellationToken: TestKube.Ct);
}
