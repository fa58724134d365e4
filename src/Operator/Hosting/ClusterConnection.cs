using k8s;
using k8s.Exceptions;

namespace Operator.Hosting;

/// <summary>
/// Where the operator finds its cluster, in kubectl's order: <c>$KUBECONFIG</c>, <c>~/.kube/config</c>, then the Pod's
/// service account. Unlike <see cref="KubernetesClientConfiguration.BuildDefaultConfig"/> it never falls back to
/// <c>http://localhost:8080</c> (on this host, the operator's own metrics port): no connection is one clear error.
/// Kubeconfig files are read with <see cref="KubeconfigFile"/>: the library's loader cannot run under Native AOT, and
/// elsewhere its reflection-built YamlDotNet type maps stay on the heap for the process's life (~4 MB, issue 21).
/// </summary>
public static class ClusterConnection
{
    public static KubernetesClientConfiguration Resolve() =>
        TryResolve(out var config, out var problem) ? config! : throw new KubeConfigException(problem);

    public static bool TryResolve(out KubernetesClientConfiguration? config, out string problem)
    {
        config = null;
        problem = "";
        var variable = Environment.GetEnvironmentVariable("KUBECONFIG");
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        try
        {
            if (!string.IsNullOrWhiteSpace(variable))
            {
                var files = variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
                if (!files.Any(File.Exists))
                {
                    problem = $"KUBECONFIG names {string.Join(", ", files.Select(Echo.Quote))}, and no such file exists";
                    return false;
                }

                config = Build(KubeconfigFile.Load(files));
            }
            else if (File.Exists(home))
            {
                config = Build(KubeconfigFile.Load([home]));
            }
            else if (KubernetesClientConfiguration.IsInCluster())
            {
                config = KubernetesClientConfiguration.InClusterConfig();
            }
            else
            {
                problem = "no Kubernetes cluster to connect to: set KUBECONFIG or create ~/.kube/config, or run in a Pod with a service account " +
                    "(KUBERNETES_SERVICE_HOST and the mounted token); without a cluster, `make run` starts the built-in playground";
                return false;
            }
        }
        catch (KubeConfigException e)
        {
            problem = $"cannot use the kubeconfig: {e.Message}";
            return false;
        }

        return true;
    }

    // The exec plugin runs through ExecCredentialPlugin: the library's runner fails in the Native AOT binary (its JSON needs reflection-made converters).
    private static KubernetesClientConfiguration Build(k8s.KubeConfigModels.K8SConfiguration kubeconfig)
    {
        var plugin = ExecCredentialPlugin.Apply(kubeconfig);
        var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfig);
        if (plugin is not null)
        {
            config.TokenProvider = plugin;
        }

        return config;
    }
}
