using System.Text.Json.Nodes;
using Operator.Manifests;
using Operator.Tests.Install.Helm;
using Operator.Tests.Manifests;

namespace Operator.Tests.Install;

/// <summary>
/// The three install paths proven against the operator's code (issue 14, Must show 2): kustomize's rendering of
/// config/default and config/with-webhook, deploy/install.yaml, and the chart rendered by the test-only Helm renderer
/// with default values and with each feature on. <see cref="InstallCheck"/> says what each must get right.
/// </summary>
public sealed class InstallPathsTests
{
    public static TheoryData<string> ChartCases => ["defaults", "webhook-cert-manager", "webhook-self-signed", "api", "metrics-and-network-policy", "watch-namespaces", "everything"];

    internal static JsonObject Overrides(string name) => name switch
    {
        "defaults" => [],
        "webhook-cert-manager" => Json("""{ "webhook": { "enabled": true } }"""),
        "webhook-self-signed" => Json("""{ "webhook": { "enabled": true, "certManager": { "enabled": false } } }"""),
        "api" => Json("""{ "api": { "enabled": true, "port": 9090 } }"""),
        "watch-namespaces" => Json("""
            { "watchNamespaces": ["team-a", "secretgroup-system", "store-src"], "api": { "enabled": true, "namespace": "team-a" },
              "webhook": { "enabled": true, "certManager": { "enabled": false } } }
            """),
        "metrics-and-network-policy" => Json("""{ "metrics": { "port": 9100, "serviceMonitor": { "enabled": true } }, "networkPolicy": { "enabled": true } }"""),
        _ => Json("""
            { "webhook": { "enabled": true, "port": 10443, "certManager": { "enabled": false } }, "api": { "enabled": true }, "networkPolicy": { "enabled": true },
              "metrics": { "serviceMonitor": { "enabled": true } }, "tenantAdmins": ["team:platform", "user:alice"], "health": { "port": 9081 } }
            """),
    };

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    [Theory]
    [MemberData(nameof(ChartCases))]
    public void Chart_IsWhatTheOperatorServes(string name)
    {
        var rendering = new HelmChart().Render(Overrides(name));

        Assert.False(rendering.Refused, string.Join("; ", rendering.SchemaErrors) + rendering.TemplateError);
        Assert.Empty(InstallCheck.Problems(rendering.Objects(), HelmChart.ReleaseNamespace));
    }

    [Theory]
    [InlineData("config/default", false)]
    [InlineData("config/with-webhook", true)]
    public void Kustomize_IsWhatTheOperatorServes(string folder, bool webhook)
    {
        var objects = InstallObjects.Parse(Kustomize(folder));

        Assert.Empty(InstallCheck.Problems(objects, InstallLayout.Namespace, everyFeature: true));
        Assert.Equal(webhook, objects.Any(o => o.Kind() == "MutatingWebhookConfiguration"));
    }

    [Fact]
    public void InstallYaml_IsKustomizesRenderingOfConfigDefault()
    {
        var committed = File.ReadAllText(RepositoryRoot.File(InstallManifest.RelativePath)).ReplaceLineEndings("\n");

        Assert.True(committed == InstallManifest.Render(RepositoryRoot.Path), "deploy/install.yaml has drifted from config/default; run make manifests and commit the result.");
        Assert.Empty(InstallCheck.Problems(InstallObjects.Parse(committed), InstallLayout.Namespace, everyFeature: true));
    }

    [Fact]
    public void InstallYaml_CreatesTheNamespaceFirst_ThenTheCrds_AndNamespacesEverythingElse()
    {
        var objects = InstallObjects.Parse(File.ReadAllText(RepositoryRoot.File(InstallManifest.RelativePath)));

        Assert.Equal(["Namespace", "CustomResourceDefinition", "CustomResourceDefinition"], objects.Take(3).Select(o => o.Kind()));
        string[] clusterScoped = ["Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration"];
        Assert.All(objects.Where(o => !clusterScoped.Contains(o.Kind())), o => Assert.Equal(InstallLayout.Namespace, (string?)o["metadata"]!["namespace"]));
    }

    private static string Kustomize(string folder)
    {
        if (!File.Exists("/usr/bin/kubectl") && Environment.GetEnvironmentVariable("KUBECTL") is null)
        {
            Assert.Skip("kubectl is not installed; the kustomize paths are checked where it is.");
        }

        return InstallManifest.Kustomize(RepositoryRoot.Path, folder);
    }
}
