using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Operator.Testing.Tests;

/// <summary>A test CRD (widgets.test.example.com) exercising the schema features the emulator validates.</summary>
internal static class Widgets
{
    public const string Group = "test.example.com";
    public const string Version = "v1";
    public const string Plural = "widgets";

    public const string CrdYaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.test.example.com
        spec:
          group: test.example.com
          scope: Namespaced
          names:
            plural: widgets
            singular: widget
            kind: Widget
            listKind: WidgetList
            shortNames: [wd]
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
            additionalPrinterColumns:
            - name: Target
              type: string
              jsonPath: .spec.target
            - name: Ready
              type: string
              jsonPath: .status.conditions[?(@.type=="Ready")].status
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [target]
                    x-kubernetes-validations:
                    - rule: "self.target != 'forbidden'"
                      message: target must not be 'forbidden'
                    properties:
                      target: {type: string, minLength: 1, maxLength: 20}
                      syncInterval: {type: string, pattern: '^[0-9]+(s|m|h)$', default: 1m}
                      code: {type: string, pattern: '^(a+)+$'}
                      mode: {type: string, enum: [Merge, Replace], default: Merge}
                      replicas: {type: integer, minimum: 1, maximum: 10}
                      tags: {type: array, maxItems: 2, items: {type: string}}
                      source:
                        type: object
                        oneOf:
                        - required: [aws]
                        - required: [vault]
                        properties:
                          aws: {type: object, properties: {path: {type: string}}}
                          vault: {type: object, properties: {path: {type: string}}}
                      extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
                      labels: {type: object, additionalProperties: {type: string}}
                  status:
                    type: object
                    properties:
                      observedGeneration: {type: integer}
                      conditions:
                        type: array
                        items:
                          type: object
                          properties:
                            type: {type: string}
                            status: {type: string}
        """;

    public static V1CustomResourceDefinition Crd() => KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdYaml);

    public static JsonObject Widget(string name, string specJson = """{"target":"db"}""") => new()
    {
        ["apiVersion"] = $"{Group}/{Version}",
        ["kind"] = "Widget",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = JsonNode.Parse(specJson),
    };

    public static async Task InstallAsync(IKubernetes client) =>
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Crd(), cancellationToken: TestKube.Ct);

    public static async Task<JsonObject> CreateAsync(TestKube kube, JsonObject widget) =>
        ToNode(await kube.Client.CustomObjects.CreateNamespacedCustomObjectAsync(widget, Group, Version, kube.Namespace, Plural, cancellationToken: TestKube.Ct));

    public static async Task<JsonObject> GetAsync(TestKube kube, string name) =>
        ToNode(await kube.Client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, kube.Namespace, Plural, name, cancellationToken: TestKube.Ct));

    public static JsonObject ToNode(object result) => result switch
    {
        JsonElement element => JsonNode.Parse(element.GetRawText())!.AsObject(),
        JsonObject node => node,
        _ => JsonNode.Parse(KubernetesJson.Serialize(result))!.AsObject(),
    };
}
