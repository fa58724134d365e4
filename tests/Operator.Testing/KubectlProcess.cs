using System.Diagnostics;

namespace Operator.Testing;

/// <summary>What one kubectl run printed.</summary>
public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs the real kubectl binary (tests drive the emulator and the playground with it).</summary>
public static class KubectlProcess
{
    public const string Binary = "/usr/bin/kubectl";

    public static bool IsInstalled => File.Exists(Binary);

    /// <summary>Runs kubectl with <paramref name="args"/> in <paramref name="workingDirectory"/>; kills it when <paramref name="hung"/> passes.</summary>
    public static async Task<KubectlResult> RunAsync(IEnumerable<string> args, string workingDirectory, TimeSpan hung, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var start = new ProcessStartInfo(Binary)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(hung);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new KubectlResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
