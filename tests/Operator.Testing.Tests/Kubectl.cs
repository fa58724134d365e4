using Operator.Testing.Kube;

namespace Operator.Testing.Tests;

/// <summary>Runs the real kubectl binary against an emulator, from a scratch folder with its own kubeconfig and cache.</summary>
internal sealed class Kubectl : IDisposable
{
    public const string Binary = KubectlProcess.Binary;

    // An upper bound for a hung kubectl, not a timing assertion: one command is a handful of loopback requests.
    private static readonly TimeSpan Hung = TimeSpan.FromSeconds(60);

    private Kubectl(string dir) => Dir = dir;

    /// <summary>The working folder; files written with <see cref="WriteAsync"/> land here.</summary>
    public string Dir { get; }

    /// <summary>Skips the calling test (with the reason) when kubectl is not installed.</summary>
    public static void RequireInstalled()
    {
        if (!File.Exists(Binary))
        {
            Assert.Skip($"kubectl is not installed at {Binary}");
        }
    }

    public static async Task<Kubectl> ForAsync(KubeApiEmulator emulator)
    {
        RequireInstalled();
        var kubectl = new Kubectl(Directory.CreateTempSubdirectory("kubectl-emulator-").FullName);
        await File.WriteAllTextAsync(Path.Combine(kubectl.Dir, "kubeconfig"), emulator.KubeconfigYaml(), TestKube.Ct);
        return kubectl;
    }

    public Task WriteAsync(string file, string content) => File.WriteAllTextAsync(Path.Combine(Dir, file), content, TestKube.Ct);

    /// <summary>Runs kubectl and asserts it succeeded; returns its standard output.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        var result = await TryAsync(args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>Runs kubectl; the caller judges the exit code and output.</summary>
    public Task<KubectlResult> TryAsync(params string[] args) =>
        KubectlProcess.RunAsync(["--kubeconfig", Path.Combine(Dir, "kubeconfig"), "--cache-dir", Path.Combine(Dir, "cache"), .. args], Dir, Hung, TestKube.Ct);

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
