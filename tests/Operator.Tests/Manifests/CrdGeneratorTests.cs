using System.Text.Json.Serialization;
using k8s.Models;
using Operator.Entities.Schema;
using Operator.Manifests;

namespace Operator.Tests.Manifests;

// A mistake in an entity class must stop `make manifests`, not quietly produce a CRD that says something else.
public sealed class CrdGeneratorTests
{
    [Fact]
    public void PlainEntity_IsNamespaced_WithoutSubresourcesOrShortNames()
    {
        var crd = CrdGenerator.Generate(typeof(Plain));

        Assert.Equal("plains.test.tfy.dev", crd.Metadata.Name);
        Assert.Equal("Namespaced", crd.Spec.Scope);
        Assert.Null(crd.Spec.Names.ShortNames);
        Assert.Null(crd.Spec.Versions[0].Subresources);
        Assert.Null(crd.Spec.Versions[0].AdditionalPrinterColumns);
        Assert.Null(crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Required);
    }

    [Fact]
    public void ListMapKey_ThatItemsDoNotRequire_IsRefused() =>
        AssertRefused<OptionalMapKey>("must be a [Required] property");

    [Fact]
    public void Pattern_OnANumber_IsRefused() => AssertRefused<PatternOnNumber>("[Pattern] needs a string");

    [Fact]
    public void ExactlyOneOf_NamingAnUnknownProperty_IsRefused() => AssertRefused<UnknownOneOf>("unknown: azure");

    [Fact]
    public void Default_OfTheWrongType_IsRefused() => AssertRefused<WrongDefault>("does not fit type integer");

    [Fact]
    public void PropertyWithoutJsonName_IsRefused() => AssertRefused<NoJsonName>("has no [JsonPropertyName]");

    [Fact]
    public void UnmappedType_IsRefused() => AssertRefused<GuidField>("No OpenAPI mapping for System.Guid");

    [Fact]
    public void TypeWithoutKubernetesEntity_IsRefused() =>
        Assert.Throws<ArgumentException>(() => CrdGenerator.Generate(typeof(PlainSpec)));

    private static void AssertRefused<T>(string messagePart)
    {
        var error = Assert.Throws<NotSupportedException>(() => CrdGenerator.Generate(typeof(T)));
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }

    [KubernetesEntity(Group = "test.tfy.dev", ApiVersion = "v1", Kind = "Plain", PluralName = "plains")]
    private sealed class Plain
    {
        [JsonPropertyName("spec")]
        public PlainSpec? Spec { get; set; }
    }

    private sealed class PlainSpec
    {
        [JsonPropertyName("name")]
        public string? Name { get; set; }
    }

    [KubernetesEntity(Group = "test.tfy.dev", ApiVersion = "v1", Kind = "OptionalMapKey", PluralName = "optionalmapkeys")]
    private sealed class OptionalMapKey
    {
        [ListMapKey("name")]
        [JsonPropertyName("items")]
        public IList<PlainSpec>? Items { get; set; }
    }

    [KubernetesEntity(Group = "test.tfy.dev", ApiVersion = "v1", Kind = "PatternOnNumber", PluralName = "patternonnumbers")]
    private sealed class PatternOnNumber
    {
        [Pattern("^[0-9]+$")]
        [JsonPropertyName("count")]
        public int Count { get; set; }
    }

    [KubernetesEntity(Group = "test.tfy.dev", ApiVersion = "v1", Kind = "UnknownOneOf", PluralName = "unknownoneofs")]
    [ExactlyOneOf("aws", "azure")]
    private sealed class UnknownOneOf
    {
        [JsonPropertyName("aws")]
        public PlainSpec? Aws { get; set; }
    }

    [KubernetesEntity(Group = "test.tfy.dev", ApiVersion = "v1", Kind = "WrongDefault", PluralName = "wrongdefaults")]
    private sealed class WrongDefault
    {
        [Default("ten")]
        [JsonPropertyName("count")]
        public int? Count { get; set; }
    }

    [KubernetesEntity(Group = "test.tfy.dev", ApiVersion = "v1", Kind = "NoJsonName", PluralName = "nojsonnames")]
    private sealed class NoJsonName
    {
        public string? Name { get; set; }
    }

    [KubernetesEntity(Group = "test.tfy.dev", ApiVersion = "v1", Kind = "GuidField", PluralName = "guidfields")]
    private sealed class GuidField
    {
        [JsonPropertyName("id")]
        public Guid Id { get; set; }
    }
}
