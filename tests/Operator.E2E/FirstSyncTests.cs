using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.E2E;

/// <summary>The first-sync scenarios of the integration tests, on a real K3s API server.</summary>
public sealed class FirstSyncTests(K3sCluster cluster) : IClassFixture<K3sCluster>
{
    [Fact]
    public async Task AppliedIntegrationAndGroup_ProduceTheManagedSecret_OwnedByTheGroup()
    {
        cluster.SkipUnlessRunning();
        const string ns = "e2e-team-a";
        await cluster.CreateNamespaceAsync(ns);
        await SetSourceAsync("openai-keys", new() { ["OPENAI_API_KEY"] = "sk-e2e-1", ["DB_PASSWORD"] = "pw-e2e-1" });
        await CreateIntegrationAsync("e2e-k8s");
        var group = await CreateGroupAsync(ns, "openai-keys", "e2e-k8s", "OPENAI_API_KEY", "DB_PASSWORD");

        var ready = await WaitForReadyAsync(ns, "openai-keys", "True");
        var secret = await cluster.Client.CoreV1.ReadNamespacedSecretAsync("openai-keys", ns);

        Assert.Equal("sk-e2e-1", Encoding.UTF8.GetString(secret.Data["OPENAI_API_KEY"]));
        Assert.Equal("pw-e2e-1", Encoding.UTF8.GetString(secret.Data["DB_PASSWORD"]));
        Assert.Equal(group.Metadata.Uid, Assert.Single(secret.Metadata.OwnerReferences).Uid);
        Assert.Equal($"{K3sCluster.Tenant}:openai-keys", ready.Status!.Fqn);
        Assert.Equal(ready.Metadata.Generation, ready.Status.ObservedGeneration);
    }

    [Fact]
    public async Task MissingKey_LeavesNoSecret_AndSaysWhichKey()
    {
        cluster.SkipUnlessRunning();
        const string ns = "e2e-team-b";
        await cluster.CreateNamespaceAsync(ns);
        await SetSourceAsync("partial", new() { ["PRESENT"] = "v" });
        await CreateIntegrationAsync("e2e-k8s-b");
        await CreateGroupAsync(ns, "partial", "e2e-k8s-b", "PRESENT", "ABSENT");

        var group = await WaitForReadyAsync(ns, "partial", "False");

        var ready = group.Status!.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal("SecretNotFound", ready.Reason);
        Assert.Contains("ABSENT", ready.Message, StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.ReadNamespacedSecretAsync("partial", ns));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    private async Task SetSourceAsync(string group, Dictionary<string, string> values)
    {
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = $"{K3sCluster.Tenant}.{group}", NamespaceProperty = K3sCluster.SourceNamespace },
            Data = values.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)),
        };
        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(secret, K3sCluster.SourceNamespace);
    }

    private Task<SecretStoreIntegration> CreateIntegrationAsync(string name) =>
        new ResourceClient<SecretStoreIntegration>(cluster.Client).CreateAsync(
            new SecretStoreIntegration
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new SecretStoreIntegrationSpec { ProviderAccount = "local", Kubernetes = new KubernetesStoreSpec { SourceNamespace = K3sCluster.SourceNamespace } },
            },
            CancellationToken.None);

    private Task<SecretGroup> CreateGroupAsync(string ns, string name, string integration, params string[] keys) =>
        new ResourceClient<SecretGroup>(cluster.Client).CreateAsync(
            new SecretGroup
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
                Spec = new SecretGroupSpec
                {
                    IntegrationFqn = $"{K3sCluster.Tenant}:kubernetes:local:secret-store:{integration}",
                    Secrets = [.. keys.Select(k => new SecretKeySpec { Key = k })],
                },
            },
            CancellationToken.None);

    private async Task<SecretGroup> WaitForReadyAsync(string ns, string name, string status)
    {
        SecretGroup? group = null;
        await K3sCluster.WaitForAsync(async () =>
        {
            group = await new ResourceClient<SecretGroup>(cluster.Client).GetAsync(new ObjectKey(ns, name), CancellationToken.None);
            return group?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == status) == true;
        }, $"{ns}/{name} Ready={status}");
        return group!;
    }
}
