using System.Diagnostics;

namespace Operator.Tests.Manifests;

public sealed class KustomizeTests
{
    private const string Kubectl = "/usr/bin/kubectl";

    public static TheoryData<string> Overlays => ["config/default", "config/with-webhook", "config/crd", "config/rbac", "config/manager", "config/webhook", "config/samples"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Kustomization_Builds(string overlay)
    {
        var (exitCode, stdout, stderr) = await KustomizeAsync(overlay);

        Assert.True(exitCode == 0, $"kubectl kustomize {overlay} failed: {stderr}");
        Assert.NotEmpty(stdout);
    }

    [Fact]
    public async Task DefaultOverlay_InstallsBothCrdsRbacAndTheOperator()
    {
        var (exitCode, stdout, stderr) = await KustomizeAsync("config/default");

        Assert.True(exitCode == 0, $"kubectl kustomize config/default failed: {stderr}");
        Assert.Contains("name: secretgroups.secrets.tfy.dev", stdout, StringComparison.Ordinal);
        Assert.Contains("name: secretstoreintegrations.secrets.tfy.dev", stdout, StringComparison.Ordinal);
        Assert.Contains("kind: ClusterRole\n", stdout, StringComparison.Ordinal);
        Assert.Contains("kind: Deployment", stdout, StringComparison.Ordinal);
        Assert.Contains("image: ghcr.io/secretgroup/operator:latest", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("namespace: default", stdout, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> KustomizeAsync(string overlay)
    {
        if (!File.Exists(Kubectl))
        {
            Assert.Skip($"{Kubectl} is not installed; kustomize builds are checked where it is.");
        }

        var start = new ProcessStartInfo(Kubectl, ["kustomize", overlay])
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout).ReplaceLineEndings("\n"), await stderr);
    }
}
