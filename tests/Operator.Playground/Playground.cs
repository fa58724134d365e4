using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Operator.Hosting;
using Operator.RestApi;
using Operator.Tls;
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

    /// <summary>The operator's own flags, as the user wrote them (<c>make run ARGS=...</c>); they override the playground's defaults.</summary>
    public IReadOnlyList<string> OperatorArgs { get; init; } = [];
}

/// <summary>
/// The API emulator, the CRDs, config/samples and the operator in one process. Whoever holds the kubeconfig is a
/// cluster admin; the operator runs as the ServiceAccount of config/rbac, with only the roles shipped there. The
/// <see cref="PlaygroundUsers"/> get bearer tokens the emulator (and so the REST API's TokenReview) accepts.
/// </summary>
public sealed class Playground : IAsyncDisposable
{
    private readonly string? _operatorKubeconfig;

    private Playground(KubeApiEmulator emulator, string kubeconfigPath, string? operatorKubeconfig, IReadOnlyList<object> samples)
    {
        Emulator = emulator;
        KubeconfigPath = kubeconfigPath;
        _operatorKubeconfig = operatorKubeconfig;
        Samples = samples;
    }

    public KubeApiEmulator Emulator { get; }

    /// <summary>The admin kubeconfig written for kubectl.</summary>
    public string KubeconfigPath { get; }

    /// <summary>The objects of config/samples, as applied.</summary>
    public IReadOnlyList<object> Samples { get; }

    public int AppliedSamples => Samples.Count;

    /// <summary>The operator, when started.</summary>
    public WebApplication? Operator { get; private set; }

    /// <summary>Where the operator answers (health, metrics, REST API); null without the operator.</summary>
    public OperatorEndpoints? Endpoints { get; private set; }

    /// <summary>The REST API's base address as the operator serves it (https unless <c>--api-insecure-http</c>); null when off.</summary>
    public Uri? ApiUrl { get; private set; }

    /// <summary>The PEM of the CA that signed the REST API's certificate (clients pass it to <c>curl --cacert</c>); null over plain HTTP.</summary>
    public string? ApiCaPem { get; private set; }

    public static async Task<Playground> StartAsync(PlaygroundOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var emulator = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { Port = options.Port, EnforceRbac = options.EnforceRbac }, cancellationToken);
        await File.WriteAllTextAsync(options.KubeconfigPath, emulator.KubeconfigYaml(), cancellationToken);
        foreach (var user in PlaygroundUsers.All)
        {
            emulator.RegisterToken(user.Token, user.Name, [.. user.Groups]);
        }

        using var admin = emulator.CreateClient();
        await CrdInstaller.InstallAsync(admin, cancellationToken);
        var samples = RepositoryFiles.Root is { } root ? Path.Combine(root, "config/samples") : null;
        var applied = options.WithSamples && Directory.Exists(samples)
            ? await SampleApplier.ApplyAsync(admin, samples, cancellationToken)
            : [];
        if (!options.WithOperator)
        {
            return new Playground(emulator, options.KubeconfigPath, null, applied);
        }

        // The operator reads a kubeconfig exactly as it reads any other: its own, holding its ServiceAccount's token.
        var operatorKubeconfig = Path.Combine(Path.GetTempPath(), $"playground-operator-{Guid.NewGuid():N}.kubeconfig");
        await File.WriteAllTextAsync(operatorKubeconfig, emulator.KubeconfigYaml(await ShippedRbac.InstallAsync(admin, cancellationToken)), cancellationToken);
        var playground = new Playground(emulator, options.KubeconfigPath, operatorKubeconfig, applied);
        if (PlaygroundArgs.IsOn(options.OperatorArgs, "--webhook-enabled") && RepositoryFiles.Root is { } checkout)
        {
            // As config/default does on a cluster: the operator keeps this object's caBundle current and warns without it.
            var webhook = KubernetesYaml.Deserialize<V1MutatingWebhookConfiguration>(
                await File.ReadAllTextAsync(Path.Combine(checkout, "config/webhook/mutating_webhook_configuration.yaml"), cancellationToken));
            await admin.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(webhook, cancellationToken: cancellationToken);
        }

        try
        {
            // The free ports are probed before the operator binds them; another process can take one in between
            // (tests start playgrounds side by side), so a bind conflict on a port we chose is retried with fresh ones.
            for (var attempt = 1; ; attempt++)
            {
                var (operatorArgs, endpoints) = PlaygroundArgs.OperatorCommandLine(options.OperatorArgs, PlaygroundArgs.PortOrFree);
                var app = global::Operator.Program.CreateApplication(
                    [$"--namespace={ShippedRbac.Namespace}", .. operatorArgs],
                    builder => builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(operatorKubeconfig))));
                try
                {
                    await app.StartAsync(cancellationToken);
                }
                catch (IOException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    await app.DisposeAsync();
                    continue;
                }
                catch
                {
                    await app.DisposeAsync();
                    throw;
                }

                playground.Operator = app;
                playground.Endpoints = endpoints;
                break;
            }

            var services = playground.Operator!.Services;
            var api = services.GetRequiredService<SecretApiServer>();
            var apiOptions = services.GetRequiredService<IOptions<RestApiOptions>>().Value;
            playground.ApiUrl = api.BaseAddress;
            if (api.BaseAddress is not null)
            {
                await CreateApiKeysAsync(admin, apiOptions.KeysSecret, cancellationToken);
            }

            if (api.Certificates is not null)
            {
                // What a client in a cluster reads too: ca.crt of the API's certificate Secret in the operator's namespace.
                var secret = (await admin.CoreV1.ListNamespacedSecretAsync(ShippedRbac.Namespace, fieldSelector: $"metadata.name={apiOptions.CertSecret}", cancellationToken: cancellationToken)).Items.FirstOrDefault();
                playground.ApiCaPem = secret?.Data?.TryGetValue(ServingCertificates.CaCertKey, out var ca) == true ? Encoding.UTF8.GetString(ca) : null;
            }
        }
        catch
        {
            await playground.DisposeAsync();
            throw;
        }

        return playground;
    }

    /// <summary>The users' API keys, as the REST API README has an admin store them: SHA-256 hex of the key → subject.</summary>
    private static async Task CreateApiKeysAsync(IKubernetes admin, string secretName, CancellationToken cancellationToken)
    {
        var keys = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = secretName, NamespaceProperty = ShippedRbac.Namespace },
            StringData = PlaygroundUsers.All.ToDictionary(
                u => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(u.ApiKey))), u => $"user:{u.Name}", StringComparer.Ordinal),
        };
        await admin.CoreV1.CreateNamespacedSecretAsync(keys, ShippedRbac.Namespace, cancellationToken: cancellationToken);
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
