using System.Runtime.InteropServices;
using Operator.Hosting;
using Operator.Playground;

// The playground: the Kubernetes API emulator, the CRDs, config/samples and the operator, in one process, so a
// newcomer without a cluster can `kubectl get sg -A`. `make run` starts it when there is no kubeconfig.
// Usage: dotnet run --project tests/Operator.Playground -- [--port 8001] [--kubeconfig-out ./playground.kubeconfig]
//        [--no-operator] [--no-samples] [--no-rbac] [operator flags, e.g. --api-enabled --log-format=json]
PlaygroundArgs options;
try
{
    options = PlaygroundArgs.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"playground: {e.Message}");
    return 2;
}

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

Operator.Testing.Kube.KubeApiEmulator emulator;
try
{
    emulator = await PlaygroundHost.StartEmulatorAsync(options, stop.Token);
}
catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    Console.Error.WriteLine($"playground: port {options.Port} is taken (another playground?); choose another with --port=<n>, or --port=0 for any free port");
    return 1;
}

await using var _ = emulator;
using var client = emulator.CreateClient();
await CrdInstaller.InstallAsync(client, stop.Token);
var samples = options.WithSamples && PlaygroundHost.FindRepoFile("config/samples") is { } samplesDirectory
    ? await SampleApplier.ApplyAsync(client, samplesDirectory, stop.Token)
    : [];

Microsoft.AspNetCore.Builder.WebApplication? app = null;
OperatorEndpoints? endpoints = null;
if (options.WithOperator)
{
    // The operator reads the playground's kubeconfig exactly as it reads any other.
    Environment.SetEnvironmentVariable("KUBECONFIG", options.KubeconfigPath);
    var (operatorArgs, chosen) = options.OperatorCommandLine(PlaygroundHost.PortOrFree);
    try
    {
        app = Operator.Program.CreateApplication([.. operatorArgs]);
    }
    catch (ArgumentException e)
    {
        // The operator's own one-line verdict on a flag the user passed (make run ARGS=...).
        Console.Error.WriteLine($"playground: {e.Message}");
        return 2;
    }

    await app.StartAsync(stop.Token);
    endpoints = chosen;
}

var status = app is null || samples.Count == 0
    ? []
    : await SampleStatus.WaitReadyAsync(client, samples, TimeSpan.FromMinutes(1), stop.Token);
await PlaygroundBanner.WriteAsync(Console.Out, emulator, options, endpoints, status, stop.Token);
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // Ctrl-C or SIGTERM
}

Console.WriteLine("playground: stopping (nothing is kept: the next start begins from config/samples again)");
if (app is not null)
{
    await app.StopAsync(CancellationToken.None);
    await app.DisposeAsync();
}

return 0;
