using System.Globalization;
using System.Runtime.InteropServices;
using Operator.Hosting;
using Operator.Playground;

// The playground: the Kubernetes API emulator, the CRDs, config/samples and the operator, in one process, so a
// newcomer without a cluster can `kubectl get sg -A`.
// Usage: dotnet run --project tests/Operator.Playground -- [--port 8001] [--kubeconfig-out ./playground.kubeconfig]
//        [--no-operator] [--no-samples] [--no-rbac]
var port = int.Parse(Option(args, "--port") ?? "8001", CultureInfo.InvariantCulture);
var kubeconfigPath = Path.GetFullPath(Option(args, "--kubeconfig-out") ?? "playground.kubeconfig");
var withOperator = !args.Contains("--no-operator");
var withSamples = !args.Contains("--no-samples");
var enforceRbac = !args.Contains("--no-rbac");

using var stop = new CancellationTokenSource();
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, e =>
{
    e.Cancel = true;
    stop.Cancel();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

await using var emulator = await PlaygroundHost.StartEmulatorAsync(port, kubeconfigPath, stop.Token, enforceRbac);
Console.WriteLine($"Kubernetes API emulator listening on {emulator.BaseAddress}");
using var client = emulator.CreateClient();
await CrdInstaller.InstallAsync(client, stop.Token);
if (withSamples && PlaygroundHost.FindRepoFile("config/samples") is { } samples)
{
    var applied = await SampleApplier.ApplyAsync(client, samples, stop.Token);
    Console.WriteLine($"Applied {applied} objects from {samples}");
}

Microsoft.AspNetCore.Builder.WebApplication? app = null;
if (withOperator)
{
    // The operator reads the playground's kubeconfig exactly as it reads any other.
    Environment.SetEnvironmentVariable("KUBECONFIG", kubeconfigPath);
    var (healthPort, metricsPort) = (Operator.Testing.LoopbackPorts.Free(), Operator.Testing.LoopbackPorts.Free());
    app = Operator.Program.CreateApplication(["--tenant=default", "--leader-elect=false", $"--health-port={healthPort}", $"--metrics-port={metricsPort}"]);
    await app.StartAsync(stop.Token);
    Console.WriteLine($"Operator running (tenant 'default'); health on http://127.0.0.1:{healthPort}/healthz, metrics on http://127.0.0.1:{metricsPort}/metrics");
}

Console.WriteLine($"export KUBECONFIG={kubeconfigPath}");
Console.WriteLine("Try: kubectl get ssi; kubectl get sg -A; kubectl get secret -n team-a openai-keys -o yaml");
Console.WriteLine("Press Ctrl-C to stop.");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // Ctrl-C
}

if (app is not null)
{
    await app.StopAsync(CancellationToken.None);
    await app.DisposeAsync();
}

return 0;

static string? Option(string[] args, string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
