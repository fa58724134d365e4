using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Operator.Testing;

/// <summary>The operator binary (<c>dotnet Operator.dll</c>) in its own process, its output in a log file and, if asked, in memory.</summary>
public sealed class OperatorProcess : IDisposable
{
    private const int SigTerm = 15;

    private readonly Process process;
    private readonly StreamWriter log;
    private readonly List<string>? output;
    private readonly Lock gate = new();

    private OperatorProcess(Process process, StreamWriter log, bool keepOutput, int healthPort, int metricsPort)
    {
        this.process = process;
        this.log = log;
        output = keepOutput ? [] : null;
        HealthPort = healthPort;
        MetricsPort = metricsPort;
    }

    public int Id => process.Id;

    /// <summary>Port of /healthz and /readyz on 127.0.0.1.</summary>
    public int HealthPort { get; }

    /// <summary>Port of /metrics on 127.0.0.1.</summary>
    public int MetricsPort { get; }

    public bool HasExited => process.HasExited;

    /// <summary>
    /// Starts <c>dotnet <paramref name="operatorDll"/> <paramref name="args"/></c> with KUBECONFIG set (a path not ending
    /// in <c>.dll</c>, e.g. a self-contained or Native AOT publish, is started as is). Unless the args
    /// name them, the health and metrics ports are free ports picked here (the operator refuses port 0 for both).
    /// <paramref name="environment"/> adds variables for the operator only (e.g. DOTNET_GCHeapHardLimit);
    /// <paramref name="workingDirectory"/> is where it starts (default: this process's).
    /// </summary>
    public static OperatorProcess Start(
        string operatorDll,
        string kubeconfig,
        string logPath,
        IReadOnlyList<string> args,
        bool keepOutput = false,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        // The dotnet CLI names its own host for child processes; elsewhere dotnet must be on PATH.
        var isDll = operatorDll.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(!isDll ? operatorDll : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        var healthPort = PortArg(args, "--health-port=") ?? LoopbackPorts.Free();
        var metricsPort = PortArg(args, "--metrics-port=") ?? LoopbackPorts.Free();
        if (isDll)
        {
            info.ArgumentList.Add(operatorDll);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (PortArg(args, "--health-port=") is null)
        {
            info.ArgumentList.Add($"--health-port={healthPort.ToString(CultureInfo.InvariantCulture)}");
        }

        if (PortArg(args, "--metrics-port=") is null)
        {
            info.ArgumentList.Add($"--metrics-port={metricsPort.ToString(CultureInfo.InvariantCulture)}");
        }

        info.Environment["KUBECONFIG"] = kubeconfig;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        var log = new StreamWriter(logPath, append: true) { AutoFlush = false };
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the operator");
        var running = new OperatorProcess(process, log, keepOutput, healthPort, metricsPort);
        process.OutputDataReceived += (_, e) => running.Write(e.Data);
        process.ErrorDataReceived += (_, e) => running.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>The operator built next to the calling test assembly (a ProjectReference to src/Operator copies it there).</summary>
    public static string BesideTests()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Operator.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"the operator binary is not at {dll}; reference src/Operator from the test project");
    }

    /// <summary>The output lines so far (empty unless started with keepOutput).</summary>
    public IReadOnlyList<string> Output()
    {
        lock (gate)
        {
            return output is null ? [] : [.. output];
        }
    }

    /// <summary>Peak resident set (VmHWM) in bytes, or null once the process is gone.</summary>
    public long? PeakRss() => StatusField("VmHWM:");

    /// <summary>Current resident set (VmRSS) in bytes.</summary>
    public long? Rss() => StatusField("VmRSS:");

    /// <summary>SIGKILL, as a crash or an evicted pod would end it.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit(10_000);
        }

        Flush();
    }

    /// <summary>Sends SIGTERM, as the kubelet stops a pod: the host shuts down gracefully. Returns at once; see <see cref="WaitForExit"/>.</summary>
    public void Terminate()
    {
        if (!process.HasExited && SendSignal(process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) failed with errno {Marshal.GetLastPInvokeError().ToString(CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary>True when the process exited within <paramref name="timeout"/>; its output is drained and flushed by then.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        var exited = process.WaitForExit(timeout);
        if (exited)
        {
            process.WaitForExit();
        }

        Flush();
        return exited;
    }

    /// <summary>The exit code, or null while it runs.</summary>
    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    public void Dispose()
    {
        Kill();
        process.Dispose();
        lock (gate)
        {
            log.Dispose();
        }
    }

    private static int? PortArg(IReadOnlyList<string> args, string prefix) =>
        args.LastOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal)) is { } arg
            ? int.Parse(arg[prefix.Length..], CultureInfo.InvariantCulture)
            : null;

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            log.WriteLine(line);
            output?.Add(line);
        }
    }

    private void Flush()
    {
        lock (gate)
        {
            log.Flush();
        }
    }

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

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SendSignal(int pid, int signal);
}
