using System.Diagnostics;
using Operator.Hosting;

namespace Operator.Tests.Hosting;

/// <summary>The operator binary as a user runs it: <c>dotnet Operator.dll ...</c>, its exit code and its two output streams.</summary>
public sealed class BinaryTests : IDisposable
{
    // Starting the runtime takes about a second; the bound only stops a hung binary from hanging the suite.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private readonly DirectoryInfo home = Directory.CreateTempSubdirectory("operator-home-");

    public void Dispose() => home.Delete(recursive: true);

    private sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Runs the binary with no cluster in reach: an empty HOME, no KUBECONFIG, not in a Pod.</summary>
    private async Task<Run> RunAsync(string[] args, IReadOnlyDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // OPERATOR_BINARY runs these tests against another build (e.g. main's, to see them fail there).
        info.ArgumentList.Add(Environment.GetEnvironmentVariable("OPERATOR_BINARY") ?? Path.Combine(AppContext.BaseDirectory, "Operator.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT" })
        {
            info.Environment.Remove(name);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("SECRETGROUP_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["HOME"] = home.FullName;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(HangGuard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the operator did not exit within {HangGuard}: {string.Join(' ', args)}");
        }

        return new Run(process.ExitCode, (await stdout).ReplaceLineEndings("\n"), (await stderr).ReplaceLineEndings("\n"));
    }

    private static void AssertOneErrorLine(Run run, int exitCode, params string[] expected)
    {
        Assert.Equal(exitCode, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.ErrorLines);
        Assert.All(expected, e => Assert.Contains(e, line, StringComparison.Ordinal));
        Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Help_ListsEveryFlag_WithItsDefaultAndEnvironmentVariable_AndExitsZero(string arg)
    {
        var run = await RunAsync([arg]);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Stderr);
        Assert.Equal(HelpText.Render(), run.Stdout);
        Assert.All(OperatorFlags.All, f => Assert.Contains(HelpText.Details(f), run.Stdout, StringComparison.Ordinal));
        Assert.Contains("Pod webhook: ", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsTheVersion_AndExitsZero()
    {
        var run = await RunAsync(["--version"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^secretgroup-operator [0-9]+\.[0-9]+\.[0-9]+\S*\n$", run.Stdout);
    }

    [Fact]
    public async Task UnknownFlag_ExitsTwo_WithOneLineSuggestingTheRightOne() =>
        AssertOneErrorLine(await RunAsync(["--tenat=x"]), 2, "unknown flag '--tenat'", "did you mean --tenant?");

    [Fact]
    public async Task BadValue_ExitsTwo_WithOneLineNamingTheFlagAsTyped_AndWhatIsAllowed() =>
        AssertOneErrorLine(await RunAsync(["--tenant=acme", "--sync-interval=0s"]), 2, "--sync-interval: invalid value '0s'", "a duration from 1s to 8784h");

    [Fact]
    public async Task BadEnvironmentVariable_ExitsTwo_NamingTheVariable() =>
        AssertOneErrorLine(await RunAsync([], new Dictionary<string, string> { ["SECRETGROUP_WORKERS"] = "0" }), 2, "SECRETGROUP_WORKERS: invalid value '0'", "an integer from 1 to 64");

    [Fact]
    public async Task EqualPorts_ExitTwo_NamingBothFlags() =>
        AssertOneErrorLine(await RunAsync(["--health-port=9000", "--metrics-port=9000"]), 2, "--health-port=9000 and --metrics-port=9000");

    [Fact]
    public async Task NoKubeconfig_AndNotInACluster_ExitsOne_WithOneClearError() =>
        AssertOneErrorLine(await RunAsync(["--tenant=acme"]), 1, "no Kubernetes cluster to connect to", "KUBECONFIG", "make run");

    [Fact]
    public async Task KubeconfigNamingAMissingFile_ExitsOne_NamingIt() =>
        AssertOneErrorLine(await RunAsync([], new Dictionary<string, string> { ["KUBECONFIG"] = "/nonexistent/kubeconfig" }), 1, "KUBECONFIG names '/nonexistent/kubeconfig'");
}
