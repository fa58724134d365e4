using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Operator.Hosting;
using Operator.Testing;
using Operator.Testing.Kube;

namespace Operator.Playground;

/// <summary>What to start: the playground's command-line switches.</summary>
public sealed record PlaygroundOptions
{
    /// <summary>Plain-HTTP port of the emulator (0: a free one); kubeconfigs point at its HTTPS port.</summary>
    public int Port { get; init; } = 8001;

    public string KubeconfigPath { get; init; } = Path.GetFullPath("playground.kubeconfig");

    public bool WithOperator { get; init; } = true;

    public bool WithSamples { get; init; } = true;

    /// <summary>The emulator authorises every request with RBAC (on by default, as on a real cluster).</summary>
    public bool EnforceRbac { get; init; } = true;
}

/// <summary>
/// The API emulator, the CRDs, config/samples and the operator in one process. Whoever holds the kubeconfig is a
/// cluster admin; the operator runs as the ServiceAccount of config/rbac, with only the roles shipped there.
/// </summary>
public sealed class Playground : IAsyncDisposable
{
    private readonly string? _operatorKubeconfig;

    private Playground(KubeApiEmulator emulator, string kubeconfigPath, string? operatorKubeconfig, int appliedSamples)
    {
        Emulator = emulator;
        KubeconfigPath = kubeconfigPath;
        _operatorKubeconfig = operatorKubeconfig;
        AppliedSamples = appliedSamples;
    }

    public KubeApiEmulator Emulator { get; }

    /// <summary>The admin kubeconfig written for kubectl.</summary>
    public string KubeconfigPath { get; }

    /// <summary>Objects created from config/samples.</summary>
    public int AppliedSamples { get; }

    /// <summary>The operator, when started; its /healthz and /metrics listen on free loopback ports.</summary>
    public WebApplication? Operator { get; private set; }

    public (int Health, int Metrics) Ports { get; private set; }

    public static async Task<Playground> StartAsync(PlaygroundOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var emulator = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { Port = options.Port, EnforceRbac = options.EnforceRbac }, cancellationToken);
        await File.WriteAllTextAsync(options.KubeconfigPath, emulator.KubeconfigYaml(), cancellationToken);
        using var admin = emulator.CreateClient();
        await CrdInstaller.InstallAsync(admin, cancellationToken);
        var samples = RepositoryFiles.Root is { } root ? Path.Combine(root, "config/samples") : null;
        var applied = options.WithSamples && Directory.Exists(samples)
            ? await SampleApplier.ApplyAsync(admin, samples, cancellationToken)
            : 0;
        if (!options.WithOperator)
        {
            return new Playground(emulator, options.KubeconfigPath, null, applied);
        }

        // The operator reads a kubeconfig exactly as it reads any other: its own, holding its ServiceAccount's token.
        var operatorKubeconfig = Path.Combine(Path.GetTempPath(), $"playground-operator-{Guid.NewGuid():N}.kubeconfig");
        await File.WriteAllTextAsync(operatorKubeconfig, emulator.KubeconfigYaml(await ShippedRbac.InstallAsync(admin, cancellationToken)), cancellationToken);
        var playground = new Playground(emulator, options.KubeconfigPath, operatorKubeconfig, applied);
        playground.Ports = (LoopbackPorts.Free(), LoopbackPorts.Free());
        playground.Operator = global::Operator.Program.CreateApplication(
            ["--tenant=default", $"--namespace={ShippedRbac.Namespace}", "--leader-elect=false", $"--health-port={playground.Ports.Health}", $"--metrics-port={playground.Ports.Metrics}"],
            builder => builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(operatorKubeconfig))));
        await playground.Operator.StartAsync(cancellationToken);
        return playground;
    }

    public async ValueTask DisposeAsync()
    {
        if (Operator is not null)
        {
            await Operator.StopAsync(CancellationToken.None);
            await Operator.DisposeAsync();
        }

        if (_operatorKubeconfig is not null)
        {
            File.Delete(_operatorKubeconfig);
        }

        await Emulator.DisposeAsync();
    }
}
