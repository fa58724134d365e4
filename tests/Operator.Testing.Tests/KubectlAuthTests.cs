using System.Diagnostics;
using Operator.Testing.Kube;
using static Operator.Testing.Tests.Rbac;

namespace Operator.Testing.Tests;

/// <summary>The real kubectl against an RBAC-enforcing emulator: auth can-i (--list), --as impersonation, whoami, 403s.</summary>
public sealed class KubectlAuthTests : IDisposable
{
    private const string KubectlPath = "/usr/bin/kubectl";
    private readonly string _dir = Directory.CreateTempSubdirectory("kubectl-auth-").FullName;

    [Fact]
    public async Task AuthCanI_AnswersForImpersonatedUsers_AndForbiddenRequestsPrintTheApiServersMessage()
    {
        if (!File.Exists(KubectlPath))
        {
            Assert.Skip($"kubectl is not installed at {KubectlPath}");
        }

        await using var kube = await StartAsync();
        await kube.CreateSecretAsync("x");
        await GrantAsync(kube, User("alice"), Rule(["get"], ["secrets"], names: ["x"]));
        var kubeconfig = Path.Combine(_dir, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, kube.Emulator.KubeconfigYaml(), TestKube.Ct);
        var ns = kube.Namespace;

        Assert.Equal((0, "yes"), await KubectlAsync(kubeconfig, "auth", "can-i", "--as", "alice", "-n", ns, "get", "secret/x"));
        Assert.Equal((1, "no"), await KubectlAsync(kubeconfig, "auth", "can-i", "--as", "alice", "-n", ns, "get", "secret/y"));
        Assert.Equal((1, "no"), await KubectlAsync(kubeconfig, "auth", "can-i", "--as", "alice", "-n", "default", "get", "secret/x"));
        Assert.Equal((0, "yes"), await KubectlAsync(kubeconfig, "auth", "can-i", "--as", "root", "--as-group", "system:masters", "delete", "namespaces"));

        var (code, list) = await KubectlAsync(kubeconfig, "auth", "can-i", "--list", "--as", "alice", "-n", ns);
        Assert.Equal(0, code);
        Assert.Matches(@"secrets\s+\[\]\s+\[x\]\s+\[get\]", list);

        Assert.Equal((0, "x"), await KubectlAsync(kubeconfig, "get", "secret", "x", "--as", "alice", "-n", ns, "-o", "jsonpath={.metadata.name}"));
        var (denied, error) = await KubectlAsync(kubeconfig, "get", "secrets", "--as", "alice", "-n", ns);
        Assert.Equal(1, denied);
        Assert.Contains($"Error from server (Forbidden): secrets is forbidden: User \"alice\" cannot list resource \"secrets\" in API group \"\" in the namespace \"{ns}\"", error, StringComparison.Ordinal);
        Assert.Contains("alice", (await KubectlAsync(kubeconfig, "auth", "whoami", "--as", "alice", "-o", "jsonpath={.status.userInfo.username}")).Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Exit code and trimmed stdout (stderr when it failed).</summary>
    private async Task<(int Code, string Output)> KubectlAsync(string kubeconfig, params string[] args)
    {
        var start = new ProcessStartInfo(KubectlPath) { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(_dir, "cache") }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestKube.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var output = (await stdout).Trim();
        return (process.ExitCode, process.ExitCode == 0 || output.Length > 0 ? output : (await stderr).Trim());
    }
}
