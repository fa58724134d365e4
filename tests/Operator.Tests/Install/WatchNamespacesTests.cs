using Operator.Manifests;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Operator.Entities.V1Alpha1;
using Operator.Hosting;
using Operator.Runtime;
using Operator.Testing.Kube;
using Operator.Tests.Install.Helm;
using Operator.Tests.Manifests;

namespace Operator.Tests.Install;

/// <summary>
/// The narrower mode (issue 16, Must show 3): <c>watchNamespaces</c> renders a Role per watched namespace instead of
/// cluster-wide access to Secrets, groups, Roles and workloads, and the operator, holding only the RBAC the chart
/// renders for that mode under the RBAC-enforcing emulator, serves the watched namespaces and never lists, watches or
/// touches another.
/// </summary>
public sealed class WatchNamespacesTests
{
    private const string Ns = HelmChart.ReleaseNamespace;
    private const string SourceNs = "secretgroup-source";
    private const string Group = "openai-keys";
    private static readonly string[] Watched = ["team-a", SourceNs];

    private static readonly JsonObject Values = JsonNode.Parse("""{ "tenant": "default", "watchNamespaces": ["team-a", "secretgroup-source"] }""")!.AsObject();

    [Fact]
    public void Chart_GrantsGroupsNeedsOnlyInEachWatchedNamespace_AndNothingNamespacedClusterWide()
    {
        var objects = new HelmChart().Render(Values).Objects();

        var clusterRole = Assert.Single(objects.OfKind<V1ClusterRole>("ClusterRole"));
        Assert.DoesNotContain(clusterRole.Rules, r => r.Resources.Any(x => x is "secrets" or "secretgroups" or "roles" or "rolebindings" or "deployments" or "events"));
        // tokenreviews is cluster-scoped and reads nothing: it checks a Vault login's token is no API credential before it is sent.
        Assert.Equal(["tokenreviews", "secretstoreintegrations", "secretstoreintegrations/status", "namespaces"], clusterRole.Rules.SelectMany(r => r.Resources));
        var watchedRoles = objects.OfKind<V1Role>("Role").Where(r => r.Metadata.NamespaceProperty != Ns).ToList();
        Assert.Equal(Watched, watchedRoles.Select(r => r.Metadata.NamespaceProperty));
        Assert.All(watchedRoles, r => Assert.Contains(r.Rules, rule => rule.Resources.Contains("secrets") && rule.Verbs.Contains("watch")));
        Assert.Equal(Watched, objects.OfKind<V1RoleBinding>("RoleBinding").Where(b => b.Metadata.NamespaceProperty != Ns).Select(b => b.Metadata.NamespaceProperty));
        Assert.Contains("--watch-namespaces=team-a,secretgroup-source", objects.Deployment().Spec.Template.Spec.Containers[0].Args);
        Assert.Empty(InstallCheck.Problems(objects, Ns));
    }

    [Fact]
    public async Task Operator_UnderOnlyTheChartsNamespacedRbac_SyncsWatchedNamespaces_AndNeverListsOrTouchesOthers()
    {
        await using var emulator = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { EnforceRbac = true });
        using var admin = emulator.CreateClient();
        foreach (var ns in new[] { Ns, "team-a", "team-b", SourceNs })
        {
            await admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        }

        await CrdInstaller.InstallAsync(admin, CancellationToken.None);
        var token = await InstallChartRbacAsync(admin, new HelmChart().Render(Values).Objects());
        var user = KubeUser.ServiceAccountName(Ns, HelmChart.ReleaseName);

        // config/samples: the built-in store's integration and source Secret, and the sample group in team-a and in team-b.
        var samples = await Samples.LoadAsync();
        await admin.CoreV1.CreateNamespacedSecretAsync(samples.OfType<V1Secret>().Single(), SourceNs);
        await new ResourceClient<SecretStoreIntegration>(admin).CreateAsync(samples.OfType<SecretStoreIntegration>().Single(), CancellationToken.None);
        foreach (var ns in new[] { "team-a", "team-b" })
        {
            var group = samples.OfType<SecretGroup>().Single();
            group.Metadata.NamespaceProperty = ns;
            await new ResourceClient<SecretGroup>(admin).CreateAsync(group, CancellationToken.None);
            await admin.AppsV1.CreateNamespacedDeploymentAsync(Deployment(ns), ns);
        }

        using var host = await StartOperatorAsync(emulator.CreateClient(token));
        var synced = await WaitForAsync(async () => (await new ResourceClient<SecretGroup>(admin).GetAsync(new ObjectKey("team-a", Group), CancellationToken.None)) is { Status.DataHash: { } } g
            && g.Status.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) == true ? g : null, "team-a/openai-keys Ready");
        var secret = await admin.CoreV1.ReadNamespacedSecretAsync(synced.Status!.SecretName, "team-a");
        Assert.Equal("sk-replace-me", Encoding.UTF8.GetString(secret.Data["OPENAI_API_KEY"]));
        Assert.NotEmpty((await admin.RbacAuthorizationV1.ListNamespacedRoleBindingAsync("team-a", labelSelector: "app.kubernetes.io/managed-by=secretgroup-operator")).Items);
        // A data change (a key added) rolls the reloading Deployment of the watched namespace: the workload informers are
        // namespaced too. A workload is rolled for changes after its creationTimestamp, which has whole seconds: change later.
        var created = (await admin.AppsV1.ReadNamespacedDeploymentAsync("web", "team-a")).Metadata.CreationTimestamp!.Value;
        while (DateTime.UtcNow < created.AddSeconds(1.1))
        {
            await Task.Delay(100);
        }

        await admin.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"stringData":{"K2":"v2"}}""", V1Patch.PatchType.MergePatch), "default.openai-keys", SourceNs);
        await admin.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"spec":{"secrets":[{"key":"OPENAI_API_KEY"},{"key":"DB_PASSWORD"},{"key":"K2"}]}}""", V1Patch.PatchType.MergePatch), "secrets.tfy.dev", "v1alpha1", "team-a", "secretgroups", Group);
        await WaitForAsync(async () => (await admin.AppsV1.ReadNamespacedDeploymentAsync("web", "team-a")).Spec.Template.Metadata.Annotations?.ContainsKey("secrets.tfy.dev/data-hash." + Group) == true ? "" : null,
            "team-a/web rolled", async () => KubernetesJson.Serialize((await new ResourceClient<SecretGroup>(admin).GetAsync(new ObjectKey("team-a", Group), CancellationToken.None))?.Status));
        await host.StopAsync();

        // team-b's group, Secret name and workload were never seen: no status, no Secret, no Role, no rollout.
        Assert.Null((await new ResourceClient<SecretGroup>(admin).GetAsync(new ObjectKey("team-b", Group), CancellationToken.None))!.Status);
        Assert.Empty((await admin.CoreV1.ListNamespacedSecretAsync("team-b")).Items);
        Assert.Empty((await admin.RbacAuthorizationV1.ListNamespacedRoleAsync("team-b")).Items);
        Assert.Null((await admin.AppsV1.ReadNamespacedDeploymentAsync("web", "team-b")).Spec.Template.Metadata.Annotations);

        // From the emulator's request log: every namespaced request of the operator named a watched namespace or its own,
        // none listed or watched across namespaces (only cluster-scoped integrations and namespaces), none was refused.
        var requests = emulator.Requests.Where(r => r.User == user).ToList();
        Assert.Contains(requests, r => r.Path == "/api/v1/namespaces/team-a/secrets" && r.Query.Contains("watch=true", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, r => r.Path.Contains("/namespaces/team-b", StringComparison.Ordinal));
        Assert.Empty(requests.Where(r => !r.Path.Contains("/namespaces/", StringComparison.Ordinal)
            && !r.Path.StartsWith("/apis/secrets.tfy.dev/v1alpha1/secretstoreintegrations", StringComparison.Ordinal)
            && !r.Path.StartsWith("/api/v1/namespaces", StringComparison.Ordinal)).Select(r => $"{r.Method} {r.Path}?{r.Query}"));
        Assert.Empty(requests.Where(r => r.StatusCode == 403).Select(r => $"{r.Method} {r.Path}: {r.Message}"));

        // And the RBAC itself: the ServiceAccount cannot list Secrets cluster-wide or in team-b.
        using var asOperator = emulator.CreateClient(token);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<HttpOperationException>(() => asOperator.CoreV1.ListSecretForAllNamespacesAsync())).Response.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<HttpOperationException>(() => asOperator.CoreV1.ListNamespacedSecretAsync("team-b"))).Response.StatusCode);
    }

    /// <summary>Applies the rendered ServiceAccount and RBAC objects as the admin; returns a token of that ServiceAccount.</summary>
    private static async Task<string> InstallChartRbacAsync(IKubernetes admin, IReadOnlyList<JsonObject> objects)
    {
        foreach (var sa in objects.OfKind<V1ServiceAccount>("ServiceAccount"))
        {
            await admin.CoreV1.CreateNamespacedServiceAccountAsync(sa, sa.Metadata.NamespaceProperty ?? Ns);
        }

        foreach (var role in objects.OfKind<V1ClusterRole>("ClusterRole"))
        {
            await admin.RbacAuthorizationV1.CreateClusterRoleAsync(role);
        }

        foreach (var binding in objects.OfKind<V1ClusterRoleBinding>("ClusterRoleBinding"))
        {
            await admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(binding);
        }

        foreach (var role in objects.OfKind<V1Role>("Role"))
        {
            await admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(role, role.Metadata.NamespaceProperty ?? Ns);
        }

        foreach (var binding in objects.OfKind<V1RoleBinding>("RoleBinding"))
        {
            await admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(binding, binding.Metadata.NamespaceProperty ?? Ns);
        }

        var request = await admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec() }, HelmChart.ReleaseName, Ns);
        return request.Status.Token;
    }

    private static async Task<IHost> StartOperatorAsync(IKubernetes client)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tenant"] = "default",
            ["Namespace"] = Ns,
            ["LeaderElect"] = "false",
            ["WatchNamespaces"] = string.Join(',', Watched),
            ["RolloutWindow"] = "1s", // the shortest debounce: this test waits in real time for the rollout
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(client);
        builder.Services.AddSecretGroupOperator(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The objects of config/samples, typed.</summary>
    private static class Samples
    {
        private static readonly Dictionary<string, Type> Kinds = new(StringComparer.Ordinal)
        {
            ["v1/Secret"] = typeof(V1Secret),
            ["v1/Namespace"] = typeof(V1Namespace),
            ["secrets.tfy.dev/v1alpha1/SecretStoreIntegration"] = typeof(SecretStoreIntegration),
            ["secrets.tfy.dev/v1alpha1/SecretGroup"] = typeof(SecretGroup),
        };

        public static async Task<List<object>> LoadAsync()
        {
            var objects = new List<object>();
            foreach (var file in Directory.EnumerateFiles(RepositoryRoot.File("config/samples"), "*.yaml").Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal)))
            {
                objects.AddRange(KubernetesYaml.LoadAllFromString(await File.ReadAllTextAsync(file), Kinds));
            }

            return objects;
        }
    }

    private static V1Deployment Deployment(string ns) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = ns, Annotations = new Dictionary<string, string> { ["secrets.tfy.dev/reload"] = Group } },
        Spec = new V1DeploymentSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "app:1" }] },
            },
        },
    };

    /// <summary>Polls asynchronous work until it answers; 60 s covers a first sync on a loaded machine many times over.</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what, Func<Task<string>>? detail = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"timed out waiting for {what}{(detail is null ? "" : ": " + await detail())}");
    }
}
