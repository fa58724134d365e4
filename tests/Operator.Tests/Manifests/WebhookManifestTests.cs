using System.Diagnostics;
using k8s;
using k8s.Models;
using Operator.Webhooks;

namespace Operator.Tests.Manifests;

public sealed class WebhookManifestTests
{
    private static T Read<T>(string path) => KubernetesYaml.Deserialize<T>(File.ReadAllText(RepositoryRoot.File(path)), strict: true);

    [Fact]
    public void WebhookConfiguration_FailsClosed_SkipsTheOperatorNamespace_AndCallsTheService()
    {
        var config = Read<V1MutatingWebhookConfiguration>("config/webhook/mutating_webhook_configuration.yaml");
        var service = Read<V1Service>("config/webhook/service.yaml");
        var defaults = new WebhookOptions();

        Assert.Equal(defaults.ConfigName, config.Metadata.Name);
        var webhook = Assert.Single(config.Webhooks);
        Assert.Equal("Fail", webhook.FailurePolicy);
        Assert.Equal("None", webhook.SideEffects);
        Assert.Equal(["v1"], webhook.AdmissionReviewVersions);
        Assert.Equal(["CREATE"], Assert.Single(webhook.Rules).Operations);
        Assert.Equal(["pods"], webhook.Rules.Single().Resources);
        var excluded = webhook.NamespaceSelector.MatchExpressions.First();
        Assert.Equal(("kubernetes.io/metadata.name", "NotIn"), (excluded.Key, excluded.OperatorProperty));
        Assert.Contains("secretgroup-system", excluded.Values);
        Assert.Contains("kube-system", excluded.Values);
        Assert.Null(webhook.ClientConfig.CaBundle);
        Assert.Equal(WebhookServer.MutatePodsPath, webhook.ClientConfig.Service.Path);
        Assert.Equal(defaults.ServiceName, webhook.ClientConfig.Service.Name);
        Assert.Equal(service.Metadata.Name, webhook.ClientConfig.Service.Name);
        Assert.Equal(webhook.ClientConfig.Service.Port, Assert.Single(service.Spec.Ports).Port);
    }

    [Fact]
    public async Task WithWebhookOverlay_InstallsTheWebhook_OnlyWithAManagerThatServesIt()
    {
        const string kubectl = "/usr/bin/kubectl";
        if (!File.Exists(kubectl))
        {
            Assert.Skip($"{kubectl} is not installed");
        }

        var start = new ProcessStartInfo(kubectl, ["kustomize", "config/with-webhook"]) { WorkingDirectory = RepositoryRoot.Path, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, process.ExitCode);

        var objects = KubernetesYaml.LoadAllFromString(output, new Dictionary<string, Type>
        {
            ["apps/v1/Deployment"] = typeof(V1Deployment),
            ["admissionregistration.k8s.io/v1/MutatingWebhookConfiguration"] = typeof(V1MutatingWebhookConfiguration),
        });
        Assert.Single(objects.OfType<V1MutatingWebhookConfiguration>());
        var manager = Assert.Single(objects.OfType<V1Deployment>()).Spec.Template.Spec.Containers.Single();
        Assert.Contains("--webhook-enabled=true", manager.Args);
        Assert.Contains("--namespace=$(POD_NAMESPACE)", manager.Args);
        Assert.Contains(manager.Ports, p => p.Name == "webhook" && p.ContainerPort == new WebhookOptions().Port);
    }

    [Theory]
    [InlineData("apps", "deployments", "patch")]
    [InlineData("apps", "statefulsets", "list")]
    [InlineData("apps", "daemonsets", "patch")]
    public void ClusterRole_GrantsWhatWorkloadsNeed(string apiGroup, string resource, string verb)
    {
        var role = ConfigManifests.Single<V1ClusterRole>("config/rbac");

        Assert.Contains(role.Rules, r => r.ApiGroups.Contains(apiGroup) && r.Resources.Contains(resource) && r.Verbs.Contains(verb));
    }
}
