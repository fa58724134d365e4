using Operator.Testing;

namespace Operator.Playground.Tests;

/// <summary>
/// The playground binary in its own process, started as <c>make run</c> starts it, in a scratch folder that holds its
/// kubeconfig and <c>playground.env</c> and links the checkout's config/, deploy/ and charts/, so the docs' commands run
/// there verbatim. Extra arguments pass through to the operator.
/// </summary>
public sealed class RunningPlayground : IAsyncDisposable
{
    // Bound for a hung start, not a timing claim: a cold start on a loaded machine takes tens of seconds; the
    // playground itself gives the samples a minute to turn Ready before it prints the banner.
    private static readonly TimeSpan HungStart = TimeSpan.FromMinutes(4);

    private readonly OperatorProcess process;

    private RunningPlayground(string dir, OperatorProcess process)
    {
        Dir = dir;
        this.process = process;
    }

    /// <summary>The folder it runs in: the shell's working directory for the docs' commands.</summary>
    public string Dir { get; }

    public string Kubeconfig => Path.Combine(Dir, "playground.kubeconfig");

    public bool HasExited => process.HasExited;

    public int? ExitCode => process.ExitCode;

    public static async Task<RunningPlayground> StartAsync(IReadOnlyList<string>? args = null, bool waitReady = true)
    {
        var dir = Directory.CreateTempSubdirectory("playground-").FullName;
        foreach (var linked in new[] { "config", "deploy", "charts" })
        {
            Directory.CreateSymbolicLink(Path.Combine(dir, linked), Path.Combine(Repo.Root, linked));
        }

        var dll = Path.Combine(AppContext.BaseDirectory, "Operator.Playground.dll");
        var kubeconfig = Path.Combine(dir, "playground.kubeconfig");
        var process = OperatorProcess.Start(
            dll, kubeconfig, Path.Combine(dir, "playground.log"), ["--port=0", $"--kubeconfig-out={kubeconfig}", .. args ?? []], keepOutput: true, workingDirectory: dir);
        var playground = new RunningPlayground(dir, process);
        if (waitReady)
        {
            await playground.WaitForAsync(l => l.StartsWith("Stop with Ctrl-C", StringComparison.Ordinal));
        }

        return playground;
    }

    /// <summary>Everything it printed so far (standard output and error, in arrival order).</summary>
    public IReadOnlyList<string> Output() => process.Output();

    /// <summary>The variables of <c>playground.env</c>, as <c>source playground.env</c> sets them.</summary>
    public IReadOnlyDictionary<string, string> Environment() =>
        File.ReadAllLines(Path.Combine(Dir, "playground.env"))
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Trim('\''), StringComparer.Ordinal);

    /// <summary>Waits until a printed line matches, or fails with the output when the process ends or hangs first.</summary>
    public async Task WaitForAsync(Func<string, bool> line)
    {
        using var hung = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        hung.CancelAfter(HungStart);
        while (!Output().Any(line))
        {
            if (process.HasExited)
            {
                process.WaitForExit(TimeSpan.FromSeconds(10));
                if (Output().Any(line))
                {
                    return;
                }

                Assert.Fail($"the playground exited ({process.ExitCode}) before printing the expected line:\n{string.Join('\n', Output())}");
            }

            if (hung.IsCancellationRequested)
            {
                Assert.Fail($"the playground did not print the expected line within {HungStart}:\n{string.Join('\n', Output())}");
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }

    /// <summary>Sends SIGTERM (what Ctrl-C's SIGINT does to it too) and waits for it to exit.</summary>
    public bool Stop(TimeSpan bound)
    {
        process.Terminate();
        return process.WaitForExit(bound);
    }

    public ValueTask DisposeAsync()
    {
        process.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // a kubectl still writing its cache; the temp folder is cleaned by the OS
        }

        return ValueTask.CompletedTask;
    }
}
