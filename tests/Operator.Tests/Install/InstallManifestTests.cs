using k8s;
using k8s.Models;
using Operator.Manifests;
using Operator.Tests.Manifests;

namespace Operator.Tests.Install;

public sealed class InstallManifestTests
{
    private static string Committed() => File.ReadAllText(RepositoryRoot.File(InstallManifest.RelativePath)).ReplaceLineEndings("\n");

    [Fact]
    public void CommittedInstallYaml_MatchesEntityClassesAndConfig()
    {
        Assert.True(File.Exists(RepositoryRoot.File(InstallManifest.RelativePath)), "deploy/install.yaml is missing; run make manifests");
        Assert.True(InstallManifest.Render(RepositoryRoot.Path) == Committed(), "deploy/install.yaml has drifted from the entity classes or config/; run make manifests and commit the result.");
    }

    [Fact]
    public void InstallYaml_AppliesCrdsFirst_ThenTheNamespace_ThenEverythingInIt()
    {
        var objects = ConfigManifests.Parse(Committed());
        var kinds = objects.Select(o => ((IKubernetesObject)o).Kind).ToList();

        Assert.Equal(["CustomResourceDefinition", "CustomResourceDefinition", "Namespace"], kinds.Take(3));
        Assert.Equal(["ClusterRole", "ClusterRoleBinding", "Deployment", "MutatingWebhookConfiguration", "Role", "Role", "RoleBinding", "RoleBinding", "Service", "ServiceAccount"], kinds.Skip(3).Order(StringComparer.Ordinal));
        var ns = objects.OfType<V1Namespace>().Single().Metadata.Name;
        Assert.All(objects.OfType<IKubernetesObject<V1ObjectMeta>>().Where(o => o is not (V1Namespace or V1CustomResourceDefinition or V1ClusterRole or V1ClusterRoleBinding or V1MutatingWebhookConfiguration)),
            o => Assert.Equal(ns, o.Metadata.NamespaceProperty));
    }

    [Fact]
    public void InstallYaml_CrdsAreTheGeneratedOnes()
    {
        var crds = ConfigManifests.Parse(Committed()).OfType<V1CustomResourceDefinition>().ToList();

        Assert.Equal(CrdGenerator.GenerateAll().Select(c => KubernetesYaml.Serialize(c)), crds.Select(c => KubernetesYaml.Serialize(c)));
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
    public void ResourceFiles_FollowsNestedKustomizations_InListedOrder()
    {
        var files = InstallManifest.ResourceFiles(RepositoryRoot.Path, "config/default");

        Assert.Equal("config/crd/bases/secrets.tfy.dev_secretgroups.yaml", files[0]);
        Assert.Contains("config/rbac/role.yaml", files);
        Assert.Contains("config/manager/manager.yaml", files);
        Assert.True(files.ToList().IndexOf("config/rbac/role.yaml") < files.ToList().IndexOf("config/manager/manager.yaml"), "RBAC comes before the Deployment");
    }
}
