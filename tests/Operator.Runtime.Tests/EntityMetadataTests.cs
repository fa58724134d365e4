using k8s;
using k8s.Models;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

[KubernetesEntity(Group = "secrets.tfy.dev", ApiVersion = "v1alpha1", Kind = "TestWidget", PluralName = "testwidgets")]
public sealed class TestWidget : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "secrets.tfy.dev/v1alpha1";

    public string Kind { get; set; } = "TestWidget";

    public V1ObjectMeta Metadata { get; set; } = new();
}

[ClusterScoped]
[KubernetesEntity(Group = "secrets.tfy.dev", ApiVersion = "v1alpha1", Kind = "TestClusterWidget", PluralName = "testclusterwidgets")]
public sealed class TestClusterWidget : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "secrets.tfy.dev/v1alpha1";

    public string Kind { get; set; } = "TestClusterWidget";

    public V1ObjectMeta Metadata { get; set; } = new();
}

public sealed class EntityMetadataTests
{
    [Fact]
    public void Secret_IsANamespacedCoreKind()
    {
        var meta = EntityMetadata.For<V1Secret>();

        Assert.Equal(("", "v1", "Secret", "secrets", true, "v1"), (meta.Group, meta.Version, meta.Kind, meta.Plural, meta.Namespaced, meta.ApiVersion));
    }

    [Fact]
    public void Namespace_IsClusterScoped()
    {
        var meta = EntityMetadata.For<V1Namespace>();

        Assert.Equal(("namespaces", false, "v1"), (meta.Plural, meta.Namespaced, meta.ApiVersion));
    }

    [Theory]
    [InlineData(typeof(V1ClusterRole))]
    [InlineData(typeof(V1ClusterRoleBinding))]
    [InlineData(typeof(V1CustomResourceDefinition))]
    [InlineData(typeof(V1MutatingWebhookConfiguration))]
    public void KnownBuiltInClusterKinds_AreClusterScoped(Type type) => Assert.False(EntityMetadata.For(type).Namespaced);

    [Fact]
    public void GroupedBuiltInKind_HasGroupVersionApiVersion() => Assert.Equal("apps/v1", EntityMetadata.For<V1Deployment>().ApiVersion);

    [Fact]
    public void CustomEntity_ReadsItsAttribute()
    {
        var meta = EntityMetadata.For<TestWidget>();

        Assert.Equal(("secrets.tfy.dev", "v1alpha1", "TestWidget", "testwidgets", true, "secrets.tfy.dev/v1alpha1"),
            (meta.Group, meta.Version, meta.Kind, meta.Plural, meta.Namespaced, meta.ApiVersion));
    }

    [Fact]
    public void ClusterScopedAttribute_MakesACustomEntityClusterScoped() => Assert.False(EntityMetadata.For<TestClusterWidget>().Namespaced);

    [Fact]
    public void TypeWithoutEntityAttribute_IsRejected() =>
        Assert.Throws<InvalidOperationException>(() => EntityMetadata.For<ConditionsTests>());
}

public sealed class ObjectKeyTests
{
    [Fact]
    public void NamespacedKey_PrintsNamespaceSlashName() => Assert.Equal("ns/app", new ObjectKey("ns", "app").ToString());

    [Fact]
    public void ClusterKey_PrintsName() => Assert.Equal("kube-system", ObjectKey.From(Build.Namespace("kube-system")).ToString());

    [Fact]
    public void From_UsesTheObjectsNamespaceAndName() => Assert.Equal(new ObjectKey("ns", "app"), ObjectKey.From(Build.Secret("ns", "app")));
}
