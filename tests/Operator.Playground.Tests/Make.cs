using System.Diagnostics;

namespace Operator.Playground.Tests;

/// <summary>What <c>make</c> printed, and the dotnet commands it ran (recorded by a stand-in dotnet that builds nothing).</summary>
public sealed record MakeRun(int ExitCode, IReadOnlyList<string> PrintedLines, IReadOnlyList<string> DotnetCommands);

/// <summary>Runs the real make on the checkout's Makefile with <c>DOTNET</c> set to a script that records its arguments.</summary>
public static class Make
{
    private static readonly TimeSpan Hung = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Runs <paramref name="commandLine"/> (<c>make run ARGS="..."</c>, as typed) in bash at the checkout's root, with HOME
    /// a scratch folder with or without <c>~/.kube/config</c> and KUBECONFIG unset.
    /// </summary>
    public static async Task<MakeRun> RunAsync(string commandLine, bool kubeconfig)
    {
        var dir = Directory.CreateTempSubdirectory("make-").FullName;
        try
        {
            var record = Path.Combine(dir, "dotnet-commands");
            var stub = Path.Combine(dir, "dotnet");
            await File.WriteAllTextAsync(stub, $"#!/bin/bash\necho \"$*\" >> '{record}'\n", TestContext.Current.CancellationToken);
            var home = Path.Combine(dir, "home");
            Directory.CreateDirectory(Path.Combine(home, ".kube"));
            if (kubeconfig)
            {
                await File.WriteAllTextAsync(Path.Combine(home, ".kube", "config"), "apiVersion: v1\nkind: Config\n", TestContext.Current.CancellationToken);
            }

            var info = new ProcessStartInfo("/bin/bash") { WorkingDirectory = Repo.Root, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"{commandLine} DOTNET='bash {stub}' 2>&1");

            info.Environment["HOME"] = home;
            foreach (var inherited in new[] { "KUBECONFIG", "MAKEFLAGS", "MAKELEVEL", "MFLAGS" })
            {
                info.Environment.Remove(inherited);
            }

            using var process = Process.Start(info)!;
            using var hung = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            hung.CancelAfter(Hung);
            var stdout = process.StandardOutput.ReadToEndAsync(hung.Token);
            var stderr = process.StandardError.ReadToEndAsync(hung.Token);
            await process.WaitForExitAsync(hung.Token);
            var printed = (await stdout + await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return new MakeRun(process.ExitCode, printed, File.Exists(record) ? await File.ReadAllLinesAsync(record, TestContext.Current.CancellationToken) : []);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
