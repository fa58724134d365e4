using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;
using Operator.Entities.V1Alpha1;

namespace Operator.Tests.Manifests;

public sealed class SampleManifestTests
{
    [Fact]
    public void Samples_ParseIntoTheEntityClasses()
    {
        var objects = ConfigManifests.Load("config/samples");

        Assert.Equal(["secretgroup-source", "team-a"], objects.OfType<V1Namespace>().Select(n => n.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.Single(objects.OfType<V1Secret>());
        Assert.Single(objects.OfType<SecretStoreIntegration>());
        Assert.Single(objects.OfType<SecretGroup>());
    }

    [Fact]
    public void SampleGroup_PointsAtTheSampleIntegration_UnderTheManagersTenant()
    {
        var integration = ConfigManifests.Single<SecretStoreIntegration>("config/samples");
        var group = ConfigManifests.Single<SecretGroup>("config/samples");

        var expected = $"{ManagerTenant()}:kubernetes:{integration.Spec.ProviderAccount}:secret-store:{integration.Metadata.Name}";

        Assert.NotNull(integration.Spec.Kubernetes);
        Assert.Equal(expected, group.Spec.IntegrationFqn);
        Assert.Equal("default:kubernetes:local:secret-store:k8s-default", group.Spec.IntegrationFqn);
        Assert.Equal(("openai-keys", "team-a"), (group.Metadata.Name, group.Metadata.NamespaceProperty));
    }

    [Fact]
    public void SampleSourceSecret_HoldsEveryKeyOfTheSampleGroup()
    {
        var integration = ConfigManifests.Single<SecretStoreIntegration>("config/samples");
        var group = ConfigManifests.Single<SecretGroup>("config/samples");
        var source = ConfigManifests.Single<V1Secret>("config/samples");

        Assert.Equal($"{ManagerTenant()}.{group.Metadata.Name}", source.Metadata.Name);
        Assert.Equal(integration.Spec.Kubernetes!.SourceNamespace, source.Metadata.NamespaceProperty);
        Assert.Equal(["DB_PASSWORD", "OPENAI_API_KEY"], group.Spec.Secrets!.Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["DB_PASSWORD", "OPENAI_API_KEY"], source.StringData.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SampleObjects_SatisfyTheCrdPatterns()
    {
        var group = ConfigManifests.Single<SecretGroup>("config/samples");
        var integration = ConfigManifests.Single<SecretStoreIntegration>("config/samples");

        Assert.Matches(Pattern(RenderedCrds.SecretGroup, "spec", "integrationFqn"), group.Spec.IntegrationFqn);
        Assert.All(group.Spec.Secrets!, s => Assert.Matches(Pattern(RenderedCrds.SecretGroup, "spec", "secrets", "[]", "key"), s.Key));
        Assert.Matches(Pattern(RenderedCrds.SecretStoreIntegration, "spec", "providerAccount"), integration.Spec.ProviderAccount);
        Assert.Matches(Pattern(RenderedCrds.SecretStoreIntegration, "spec", "syncInterval"), integration.Spec.SyncInterval!);
    }

    private static Regex Pattern(V1CustomResourceDefinition crd, params string[] path) =>
        new(RenderedCrds.At(crd, path).Pattern, RegexOptions.ECMAScript);

    private static string ManagerTenant()
    {
        var args = ConfigManifests.Single<V1Deployment>("config/manager").Spec.Template.Spec.Containers.Single().Args;
        var tenant = Assert.Single(args, a => a.StartsWith("--tenant=", StringComparison.Ordinal));
        return tenant["--tenant=".Length..];
    }
}
