using Operator.Testing.Kube;

namespace Operator.Playground;

/// <summary>Reusable start-up pieces, so the playground can grow to host the operator too.</summary>
internal static class PlaygroundHost
{
    /// <summary>Starts the emulator on <paramref name="port"/> (0 = any free port), enforcing RBAC unless told not to, and writes its (admin) kubeconfig.</summary>
    public static async Task<KubeApiEmulator> StartEmulatorAsync(int port, string kubeconfigPath, CancellationToken cancellationToken, bool enforceRbac = true)
    {
        var emulator = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { Port = port, EnforceRbac = enforceRbac }, cancellationToken);
        await File.WriteAllTextAsync(kubeconfigPath, emulator.KubeconfigYaml(), cancellationToken);
        return emulator;
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
