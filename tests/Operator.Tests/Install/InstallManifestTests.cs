using k8s;
using k8s.Models;
using Operator.Manifests;
using Operator.Tests.Manifests;

namespace Operator.Tests.Install;

public sealed class InstallManifestTests
{
    private static string Committed() => File.ReadAllText(RepositoryRoot.File(InstallManifest.RelativePath)).ReplaceLineEndings("\n");

    [Fact]
    public void InstallYaml_CrdsAreTheGeneratedOnes()
    {
        var crds = ConfigManifests.Parse(Committed()).OfType<V1CustomResourceDefinition>().ToList();

        var generated = CrdGenerator.GenerateAll().ToList();

        // kustomize writes map keys sorted; the objects are what must be equal.
        Assert.Equal(generated.Count, crds.Count);
        Assert.All(generated.Zip(crds), pair => Assert.True(
            System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(pair.First)), System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(pair.Second))),
            $"{pair.First.Metadata.Name} in deploy/install.yaml differs from the generated CRD; run make manifests"));
    }

    [Fact]
    public void InstallYaml_OperatorFindsItsLeaseNamespace_FromTheDownwardApi()
    {
        var deployment = ConfigManifests.Parse(Committed()).OfType<V1Deployment>().Single();
        var container = deployment.Spec.Template.Spec.Containers.Single();

        Assert.Contains("--namespace=$(POD_NAMESPACE)", container.Args);
        Assert.Equal("metadata.namespace", container.Env.Single(e => e.Name == "POD_NAMESPACE").ValueFrom.FieldRef.FieldPath);
    }

    [Fact]
    public void InstallYaml_InstallsNoWebhook_SoNoPodCanBeRefusedByAWebhookWithoutItsServer() =>
        Assert.DoesNotContain("MutatingWebhookConfiguration", Committed(), StringComparison.Ordinal);
}
