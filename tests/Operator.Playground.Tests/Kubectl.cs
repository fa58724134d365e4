using System.Diagnostics;

namespace Operator.Playground.Tests;

/// <summary>What one kubectl run printed.</summary>
public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr);

/// <summary>The real kubectl, pointed at a playground's kubeconfig, with its cache in the playground's folder.</summary>
public sealed class Kubectl(RunningPlayground playground)
{
    public const string Binary = "/usr/bin/kubectl";

    // An upper bound for a hung kubectl, not a timing assertion: one command is a handful of loopback requests.
    private static readonly TimeSpan Hung = TimeSpan.FromSeconds(90);

    /// <summary>Skips the calling test (with the reason) when kubectl is not installed.</summary>
    public static void RequireInstalled()
    {
        if (!File.Exists(Binary))
        {
            Assert.Skip($"kubectl is not installed at {Binary}");
        }
    }

    /// <summary>Runs kubectl and asserts it succeeded; returns its standard output.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        var result = await TryAsync(args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>Runs kubectl; the caller judges the exit code and output. <paramref name="environment"/> adds variables (KUBE_EDITOR).</summary>
    public async Task<KubectlResult> TryAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(args, environment);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Hung);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    public Task<KubectlResult> TryAsync(params string[] args) => TryAsync(args, null);

    /// <summary>Starts kubectl and leaves it running (a watch); the caller reads its output and kills it.</summary>
    public Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Binary) { WorkingDirectory = playground.Dir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["KUBECONFIG"] = playground.Kubeconfig;
        start.Environment["HOME"] = Path.Combine(playground.Dir, "home");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}
