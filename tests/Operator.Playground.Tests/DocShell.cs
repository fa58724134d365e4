using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Operator.Playground.Tests;

/// <summary>What one command printed (standard output and error together, as a terminal shows them) and its exit code.</summary>
public sealed record CommandRun(string Command, int ExitCode, string Output);

/// <summary>
/// Runs commands in one bash, in order, as a reader types them into one terminal: variables and <c>source</c> carry
/// over. It starts in the playground's folder with the variables of <c>playground.env</c> set and its own HOME (so
/// kubectl's cache and config stay out of the real one).
/// </summary>
public static class DocShell
{
    // Bound for a hung command (a watch the docs forgot to end), not a timing claim.
    private static readonly TimeSpan HungBlock = TimeSpan.FromMinutes(3);

    public static async Task<IReadOnlyList<CommandRun>> RunAsync(RunningPlayground playground, IReadOnlyList<string> setup, IReadOnlyList<string> commands)
    {
        ArgumentNullException.ThrowIfNull(playground);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(commands);
        var marker = "@@doc-" + Guid.NewGuid().ToString("N");
        var script = new StringBuilder("exec 2>&1\n");
        foreach (var line in setup)
        {
            script.Append(line).Append(" >/dev/null || { echo \"setup failed: ").Append(line.Replace("\"", "'", StringComparison.Ordinal)).Append("\"; exit 97; }\n");
        }

        for (var i = 0; i < commands.Count; i++)
        {
            script.Append(CultureInfo.InvariantCulture, $"printf '\\n{marker} start {i}\\n'\n{commands[i]}\nprintf '\\n{marker} end {i} %d\\n' $?\n");
        }

        var home = Path.Combine(playground.Dir, "home");
        Directory.CreateDirectory(home);
        await File.WriteAllTextAsync(Path.Combine(home, ".curlrc"), CurlRc(playground), TestContext.Current.CancellationToken);
        var info = new ProcessStartInfo("/bin/bash") { WorkingDirectory = playground.Dir, RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.Environment["HOME"] = home;
        info.Environment.Remove("KUBECONFIG");
        foreach (var (name, value) in playground.Environment())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(script.ToString());
        process.StandardInput.Close();
        using var hung = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        hung.CancelAfter(HungBlock);
        var read = process.StandardOutput.ReadToEndAsync(hung.Token);
        try
        {
            await process.WaitForExitAsync(hung.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the commands did not finish within {HungBlock}: {string.Join(" ; ", commands)}");
        }

        return Split(await read, marker, commands);
    }

    /// <summary>
    /// What a cluster's DNS and Service do for the docs' in-cluster URL: curl reaches the API's Service name (as the
    /// docs write it, port 8082) at the playground's API port. The name stays the one curl verifies the certificate for.
    /// </summary>
    private static string CurlRc(RunningPlayground playground) =>
        playground.Environment().TryGetValue("API_URL", out var api)
            ? $"connect-to = {ApiService}:8082:127.0.0.1:{new Uri(api).Port.ToString(CultureInfo.InvariantCulture)}\n"
            : "";

    /// <summary>The REST API's Service name as the docs address it in a cluster (the operator's defaults).</summary>
    private const string ApiService = "secretgroup-operator-api.secretgroup-system.svc";

    private static List<CommandRun> Split(string output, string marker, IReadOnlyList<string> commands)
    {
        var runs = new List<CommandRun>();
        for (var i = 0; i < commands.Count; i++)
        {
            var start = output.IndexOf($"{marker} start {i}\n", StringComparison.Ordinal);
            var end = output.IndexOf($"\n{marker} end {i} ", StringComparison.Ordinal);
            if (start < 0 || end < 0)
            {
                Assert.Fail($"the shell stopped before `{commands[i]}` finished; it printed:\n{output.Replace(marker, "#", StringComparison.Ordinal)}");
            }

            var body = output[(start + marker.Length + $" start {i}\n".Length)..end];
            var codeText = output[(end + $"\n{marker} end {i} ".Length)..].Split('\n', 2)[0];
            runs.Add(new CommandRun(commands[i], int.Parse(codeText, CultureInfo.InvariantCulture), body));
        }

        return runs;
    }
}
