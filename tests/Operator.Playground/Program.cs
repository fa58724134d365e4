using System.Globalization;
using System.Runtime.InteropServices;
using Operator.Playground;

// The playground: the Kubernetes API emulator (enforcing RBAC), the CRDs, config/samples and the operator (as the
// ServiceAccount of config/rbac), in one process, so a newcomer without a cluster can `kubectl get sg -A`.
// Usage: dotnet run --project tests/Operator.Playground -- [--port 8001] [--kubeconfig-out ./playground.kubeconfig]
//        [--no-operator] [--no-samples] [--no-rbac]
var options = new PlaygroundOptions
{
    Port = int.Parse(Option(args, "--port") ?? "8001", CultureInfo.InvariantCulture),
    KubeconfigPath = Path.GetFullPath(Option(args, "--kubeconfig-out") ?? "playground.kubeconfig"),
    WithOperator = !args.Contains("--no-operator"),
    WithSamples = !args.Contains("--no-samples"),
    EnforceRbac = !args.Contains("--no-rbac"),
};

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

await using var playground = await Playground.StartAsync(options, stop.Token);
Console.WriteLine($"Kubernetes API emulator listening on {playground.Emulator.SecureBaseAddress} (RBAC {(options.EnforceRbac ? "enforced" : "off")})");
Console.WriteLine($"Applied {playground.AppliedSamples} objects from config/samples");
if (playground.Operator is not null)
{
    Console.WriteLine($"Operator running (tenant 'default') as the ServiceAccount of config/rbac; health on http://127.0.0.1:{playground.Ports.Health}/healthz, metrics on http://127.0.0.1:{playground.Ports.Metrics}/metrics");
}

Console.WriteLine($"export KUBECONFIG={options.KubeconfigPath}");
Console.WriteLine("Try: kubectl get ssi; kubectl get sg -A; kubectl get secret -n team-a openai-keys -o yaml; kubectl auth can-i --as alice -n team-a get secret/openai-keys");
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
