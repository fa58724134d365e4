using k8s;
using static Operator.Testing.Tests.Rbac;

namespace Operator.Testing.Tests;

/// <summary>The real kubectl against an RBAC-enforcing emulator: auth can-i (--list), --as impersonation, whoami, 403s.</summary>
public sealed class KubectlAuthTests
{
    [Fact]
    public async Task AuthCanI_AnswersForImpersonatedUsers_AndForbiddenRequestsPrintTheApiServersMessage()
    {
        Kubectl.RequireInstalled();
        await using var kube = await StartAsync();
        await kube.CreateSecretAsync("x");
        await GrantAsync(kube, User("alice"), Rule(["get"], ["secrets"], names: ["x"]));
        using var kubectl = await Kubectl.ForAsync(kube.Emulator);
        var ns = kube.Namespace;

        Assert.Equal((0, "yes"), await CanIAsync(kubectl, "--as", "alice", "-n", ns, "get", "secret/x"));
        Assert.Equal((1, "no"), await CanIAsync(kubectl, "--as", "alice", "-n", ns, "get", "secret/y"));
        Assert.Equal((1, "no"), await CanIAsync(kubectl, "--as", "alice", "-n", "default", "get", "secret/x"));
        Assert.Equal((0, "yes"), await CanIAsync(kubectl, "--as", "root", "--as-group", "system:masters", "delete", "namespaces"));
        Assert.Matches(@"secrets\s+\[\]\s+\[x\]\s+\[get\]", await kubectl.RunAsync("auth", "can-i", "--list", "--as", "alice", "-n", ns));

        Assert.Equal("x", await kubectl.RunAsync("get", "secret", "x", "--as", "alice", "-n", ns, "-o", "jsonpath={.metadata.name}"));
        var denied = await kubectl.TryAsync("get", "secrets", "--as", "alice", "-n", ns);
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains($"Error from server (Forbidden): secrets is forbidden: User \"alice\" cannot list resource \"secrets\" in API group \"\" in the namespace \"{ns}\"", denied.Stderr, StringComparison.Ordinal);
        Assert.Equal("alice", await kubectl.RunAsync("auth", "whoami", "--as", "alice", "-o", "jsonpath={.status.userInfo.username}"));
    }

    [Fact]
    public async Task CreateToken_IssuesAServiceAccountToken_ThatKubectlCanActWith()
    {
        Kubectl.RequireInstalled();
        await using var kube = await StartAsync();
        await kube.Client.CoreV1.CreateNamespacedServiceAccountAsync(new k8s.Models.V1ServiceAccount { Metadata = new() { Name = "robot" } }, kube.Namespace, cancellationToken: TestKube.Ct);
        await GrantAsync(kube, ServiceAccount(kube.Namespace, "robot"), Rule(["list"], ["configmaps"]));
        using var kubectl = await Kubectl.ForAsync(kube.Emulator);

        var token = (await kubectl.RunAsync("create", "token", "robot", "-n", kube.Namespace, "--duration", "20m", "--audience", "vault")).Trim();
        var review = await kube.Client.AuthenticationV1.CreateTokenReviewAsync(
            new k8s.Models.V1TokenReview { Spec = new() { Token = token, Audiences = ["vault"] } }, cancellationToken: TestKube.Ct);
        Assert.Equal($"system:serviceaccount:{kube.Namespace}:robot", review.Status.User.Username);

        var apiToken = (await kubectl.RunAsync("create", "token", "robot", "-n", kube.Namespace)).Trim();
        Assert.Equal(0, (await kubectl.TryAsync("get", "configmaps", "-n", kube.Namespace, "--token", apiToken)).ExitCode);
        Assert.Contains("cannot list resource \"secrets\"", (await kubectl.TryAsync("get", "secrets", "-n", kube.Namespace, "--token", apiToken)).Stderr, StringComparison.Ordinal);
        Assert.Contains("Unauthorized", (await kubectl.TryAsync("get", "configmaps", "-n", kube.Namespace, "--token", token)).Stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Answer)> CanIAsync(Kubectl kubectl, params string[] args)
    {
        var result = await kubectl.TryAsync(["auth", "can-i", .. args]);
        return (result.ExitCode, result.Stdout.Trim());
    }
}
