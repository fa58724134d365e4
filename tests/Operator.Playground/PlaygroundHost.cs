using Operator.Testing.Kube;

namespace Operator.Playground;

/// <summary>Reusable start-up pieces, so the playground can grow to host the operator too.</summary>
internal static class PlaygroundHost
{
    /// <summary>Starts the emulator on <paramref name="port"/> (0 = any free port) and writes its kubeconfig.</summary>
    public static async Task<KubeApiEmulator> StartEmulatorAsync(int port, string kubeconfigPath, CancellationToken cancellationToken)
    {
        var emulator = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { Port = port }, cancellationToken);
        await File.WriteAllTextAsync(kubeconfigPath, emulator.KubeconfigYaml(), cancellationToken);
        return emulator;
    }
}
