using System.Runtime.InteropServices;
using Operator.Playground;

// The playground: the Kubernetes API emulator (enforcing RBAC), the CRDs, config/samples and the operator (as the
// ServiceAccount of config/rbac), in one process, so a newcomer without a cluster can `kubectl get sg -A`.
// `make run` starts it when there is no kubeconfig.
// Usage: dotnet run --project tests/Operator.Playground -- [--port 8001] [--kubeconfig-out ./playground.kubeconfig]
//        [--no-operator] [--no-samples] [--no-rbac] [operator flags, e.g. --api-enabled --log-format=json]
Operator.Runtime.KubernetesModelsJson.Configure();
PlaygroundOptions options;
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

Playground playground;
try
{
    playground = await Playground.StartAsync(options, stop.Token);
}
catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    // Names the port that was taken (the emulator's, or one the user gave the operator), not only --port.
    Console.Error.WriteLine($"playground: {e.Message} (another playground?); choose the emulator's port with --port=<n> (0 = any free port) and the operator's with --health-port/--metrics-port/--api-port");
    return 1;
}
catch (Exception e) when (e is ArgumentException or Microsoft.Extensions.Options.OptionsValidationException)
{
    // The operator's own one-line verdict on a flag the user passed (make run ARGS=...).
    Console.Error.WriteLine($"playground: {e.Message}");
    return 2;
}

await using (playground)
{
    using var admin = playground.Emulator.CreateClient();
    var status = playground.Operator is null || playground.Samples.Count == 0
        ? []
        : await SampleStatus.WaitReadyAsync(admin, playground.Samples, TimeSpan.FromMinutes(1), stop.Token);
    await PlaygroundBanner.WriteAsync(Console.Out, playground, options, status, stop.Token);
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
        // Ctrl-C or SIGTERM
    }

    Console.WriteLine("playground: stopping (nothing is kept: the next start begins from config/samples again)");
}

return 0;
