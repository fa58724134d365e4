using System.Globalization;
using System.Runtime.InteropServices;
using Operator.Playground;

// Runs the Kubernetes API emulator standalone so kubectl (and later the operator) can be pointed at it.
// Usage: dotnet run --project tests/Operator.Playground -- [--port 8001] [--kubeconfig-out ./playground.kubeconfig]
var port = int.Parse(Option(args, "--port") ?? "8001", CultureInfo.InvariantCulture);
var kubeconfigPath = Path.GetFullPath(Option(args, "--kubeconfig-out") ?? "playground.kubeconfig");

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

await using var emulator = await PlaygroundHost.StartEmulatorAsync(port, kubeconfigPath, stop.Token);
Console.WriteLine($"Kubernetes API emulator listening on {emulator.BaseAddress}");
Console.WriteLine($"export KUBECONFIG={kubeconfigPath}");
Console.WriteLine("Press Ctrl-C to stop.");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // Ctrl-C
}

return 0;

static string? Option(string[] args, string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
