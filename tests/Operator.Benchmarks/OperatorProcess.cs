using System.Diagnostics;
using System.Globalization;

namespace Operator.Benchmarks;

/// <summary>The operator binary in its own process (so its memory is its own), its output in a log file.</summary>
internal sealed class OperatorProcess : IDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly Lock gate = new();

    private OperatorProcess(Process process, StreamWriter log)
    {
        this.process = process;
        this.log = log;
    }

    public int Id => process.Id;

    /// <summary>Port of the operator's Prometheus /metrics endpoint on 127.0.0.1.</summary>
    public int MetricsPort { get; private init; }

    public static OperatorProcess Start(string operatorDll, string kubeconfig, string secretsPath, string logPath, IReadOnlyList<string> extraArgs)
    {
        var metricsPort = Operator.Testing.LoopbackPorts.Free();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args = [operatorDll, "--tenant=bench", "--leader-elect=false", $"--health-port={Operator.Testing.LoopbackPorts.Free()}", $"--metrics-port={metricsPort}", $"--tfy-k8s-secrets-path={secretsPath}", .. extraArgs];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["KUBECONFIG"] = kubeconfig;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var log = new StreamWriter(logPath, append: true) { AutoFlush = false };
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the operator");
        var running = new OperatorProcess(process, log) { MetricsPort = metricsPort };
        process.OutputDataReceived += (_, e) => running.Write(e.Data);
        process.ErrorDataReceived += (_, e) => running.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            log.WriteLine(line);
        }
    }

    public bool HasExited => process.HasExited;

    /// <summary>Peak resident set (VmHWM) in bytes, or null once the process is gone.</summary>
    public long? PeakRss() => StatusField("VmHWM:");

    /// <summary>Current resident set (VmRSS) in bytes.</summary>
    public long? Rss() => StatusField("VmRSS:");

    private long? StatusField(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var kb = line[field.Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>SIGKILL, as a crash or an evicted pod would end it.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit(10_000);
        }

        lock (gate)
        {
            log.Flush();
        }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
        lock (gate)
        {
            log.Dispose();
        }
    }
}
