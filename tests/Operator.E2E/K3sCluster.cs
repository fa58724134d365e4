using Operator.Manifests;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Operator.Hosting;
using Testcontainers.K3s;

namespace Operator.E2E;

/// <summary>
/// One K3s cluster for the test class, the CRDs applied, and the operator hosted in-process against its kubeconfig.
/// Where no Docker engine is reachable nothing is started and every test reports itself skipped with the reason.
/// </summary>
public sealed class K3sCluster : IAsyncLifetime
{
    public const string Tenant = "e2e";
    public const string SourceNamespace = "e2e-store-src";

    /// <summary>The K3s release the scenarios run on (Kubernetes 1.31).</summary>
    public const string Image = "rancher/k3s:v1.31.4-k3s1";

    private K3sContainer? container;
    private IHost? host;

    public IKubernetes Client { get; private set; } = null!;

    /// <summary>Call first in every test: skips (never passes) where the cluster could not be had.</summary>
    public void SkipUnlessRunning()
    {
        if (DockerEngine.UnavailableReason is { } reason)
        {
            Assert.Skip($"K3s end-to-end tests need a Docker engine: {reason}. Run `make e2e` where one is available.");
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (DockerEngine.UnavailableReason is not null)
        {
            return;
        }

        container = new K3sBuilder(Image).Build();
        await container.StartAsync();
        var kubeconfig = await container.GetKubeconfigAsync();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(kubeconfig));
        Client = new Kubernetes(await KubernetesClientConfiguration.BuildConfigFromConfigFileAsync(stream));

        await CrdInstaller.InstallAsync(Client, CancellationToken.None);
        await WaitForCrdsAsync();
        await CreateNamespaceAsync(SourceNamespace);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tenant"] = Tenant,
            ["Namespace"] = "default",
            ["LeaderElect"] = "true",
            ["Workers"] = "2",
        });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.AddSingleton(Client);
        builder.Services.AddSecretGroupOperator(builder.Configuration);
        host = builder.Build();
        await host.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (host is not null)
        {
            await host.StopAsync();
            host.Dispose();
        }

        Client?.Dispose();
        if (container is not null)
        {
            await container.DisposeAsync();
        }
    }

    public async Task CreateNamespaceAsync(string name)
    {
        try
        {
            await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
        }
    }

    /// <summary>Polls asynchronous work in the cluster; fails with a message after <paramref name="seconds"/>.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"timed out after {seconds} s waiting for {what}");
    }

    private Task WaitForCrdsAsync() => WaitForAsync(async () =>
    {
        var crds = await Client.ApiextensionsV1.ListCustomResourceDefinitionAsync();
        return crds.Items.Count(c => c.Spec.Group == "secrets.tfy.dev"
            && c.Status?.Conditions?.Any(x => x.Type == "Established" && x.Status == "True") == true) == 2;
    }, "the CRDs to be established");
}
