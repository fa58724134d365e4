using System.Net;
using System.Net.Sockets;
using Operator.Testing.Kube;

namespace Operator.Playground;

/// <summary>Start-up pieces of the playground: the emulator, ports, files of the checkout.</summary>
internal static class PlaygroundHost
{
    /// <summary>Starts the emulator on the chosen port (0 = any free port) and writes its kubeconfig.</summary>
    public static async Task<KubeApiEmulator> StartEmulatorAsync(PlaygroundArgs options, CancellationToken cancellationToken)
    {
        var emulator = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { Port = options.Port }, cancellationToken);
        await File.WriteAllTextAsync(options.KubeconfigPath, emulator.KubeconfigYaml(), cancellationToken);
        return emulator;
    }

    /// <summary><paramref name="port"/> when nothing listens on it on 127.0.0.1, else a free one: two playgrounds can run side by side.</summary>
    public static int PortOrFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return port;
        }
        catch (SocketException)
        {
            return Operator.Testing.LoopbackPorts.Free();
        }
    }

    /// <summary>A path under the repository root (the folder holding Operator.sln), searched upward from here and from the binary.</summary>
    public static string? FindRepoFile(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
                {
                    var path = Path.Combine(dir.FullName, relative);
                    return Directory.Exists(path) || File.Exists(path) ? path : null;
                }
            }
        }

        return null;
    }
}
