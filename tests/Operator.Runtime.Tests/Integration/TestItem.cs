using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Operator.Runtime.Tests.Integration;

/// <summary>A tiny custom resource for runtime integration tests: spec.value, status with conditions.</summary>
[KubernetesEntity(Group = "it.tfy.dev", ApiVersion = "v1", Kind = "TestItem", PluralName = "testitems")]
public sealed class TestItem : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "it.tfy.dev/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "TestItem";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public TestItemSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public TestItemStatus? Status { get; set; }
}

/// <summary>What the toy reconciler copies into a ConfigMap.</summary>
public sealed class TestItemSpec
{
    [JsonPropertyName("value")]
    public string Value { get; set; } = string.Empty;
}

/// <summary>Status written by the toy reconciler.</summary>
public sealed class TestItemStatus
{
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}

internal static class TestItemCrd
{
    private const string Yaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: testitems.it.tfy.dev
        spec:
          group: it.tfy.dev
          scope: Namespaced
          names: {plural: testitems, singular: testitem, kind: TestItem, listKind: TestItemList}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [value]
                    properties:
                      value: {type: string}
                  status:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
        """;

    public static async Task InstallAsync(IKubernetes client, CancellationToken cancellationToken) =>
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(
            KubernetesYaml.Deserialize<V1CustomResourceDefinition>(Yaml), cancellationToken: cancellationToken);

    public static TestItem Item(string ns, string name, string value) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
        Spec = new TestItemSpec { Value = value },
    };
}
