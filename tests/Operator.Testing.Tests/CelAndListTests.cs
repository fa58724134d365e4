using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Operator.Testing.Tests;

/// <summary>x-kubernetes-validations (CEL) and list-type map/set uniqueness, refused as the API server refuses them.</summary>
public sealed class CelAndListTests
{
    private const string Group = "rules.example.com";

    private const string CrdYaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: gadgets.rules.example.com}
        spec:
          group: rules.example.com
          scope: Namespaced
          names: {plural: gadgets, singular: gadget, kind: Gadget}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                x-kubernetes-validations:
                - rule: "self.metadata.name != 'reserved'"
                  message: the name reserved is taken
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                    - rule: "has(self.vaultUrl) || has(self.keyVaultName)"
                      message: one of vaultUrl or keyVaultName is required
                    - rule: "self.replicas <= self.maxReplicas"
                      messageExpression: "'replicas ' + string(self.replicas) + ' exceeds ' + string(self.maxReplicas)"
                    - rule: "!has(self.region) || self.region != 'moon'"
                      message: nobody serves the moon
                      fieldPath: .region
                      reason: FieldValueForbidden
                    - rule: "self.replicas > 0"
                    properties:
                      vaultUrl: {type: string}
                      keyVaultName: {type: string}
                      region: {type: string}
                      replicas: {type: integer, default: 1}
                      maxReplicas: {type: integer, default: 3}
                      owner:
                        type: string
                        x-kubernetes-validations:
                        - rule: "self == oldSelf"
                          message: owner is immutable
                      secrets:
                        type: array
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [key]
                        items:
                          type: object
                          required: [key]
                          properties:
                            key: {type: string}
                            remoteRef: {type: string}
                      ports:
                        type: array
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [port, protocol]
                        items:
                          type: object
                          properties:
                            port: {type: integer}
                            protocol: {type: string}
                      namespaces:
                        type: array
                        x-kubernetes-list-type: set
                        items: {type: string}
        """;

    [Theory]
    [InlineData("{}", "spec: Invalid value: \"object\": one of vaultUrl or keyVaultName is required")]
    [InlineData("""{"vaultUrl":"u","replicas":5}""", "spec: Invalid value: \"object\": replicas 5 exceeds 3")]
    [InlineData("""{"vaultUrl":"u","region":"moon"}""", "spec.region: Forbidden: nobody serves the moon")]
    [InlineData("""{"vaultUrl":"u","replicas":0}""", "spec: Invalid value: \"object\": failed rule: self.replicas > 0")]
    [InlineData("""{"vaultUrl":"u","secrets":[{"key":"A"},{"key":"B"},{"key":"A","remoteRef":"/x"}]}""", "spec.secrets[2]: Duplicate value: map[string]interface {}{\"key\":\"A\"}")]
    [InlineData("""{"vaultUrl":"u","ports":[{"port":80,"protocol":"TCP"},{"port":80,"protocol":"UDP"},{"port":80,"protocol":"TCP"}]}""", "spec.ports[2]: Duplicate value: map[string]interface {}{\"port\":80, \"protocol\":\"TCP\"}")]
    [InlineData("""{"vaultUrl":"u","namespaces":["a","b","a","a"]}""", "spec.namespaces[2]: Duplicate value: \"a\"")]
    public async Task RuleOrListViolation_Is422WithTheFieldAndTheRulesMessage(string spec, string expected)
    {
        await using var kube = await TestKube.StartAsync();
        await InstallAsync(kube);

        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity, () => CreateAsync(kube, "g", spec));

        var status = JsonNode.Parse(error.Response.Content)!;
        Assert.Equal($"Gadget.rules.example.com \"g\" is invalid: {expected}", (string?)status["message"]);
        Assert.Equal("Invalid", (string?)status["reason"]);
    }

    [Fact]
    public async Task RootRule_SeesMetadataName_AndReportsWithoutAField()
    {
        await using var kube = await TestKube.StartAsync();
        await InstallAsync(kube);

        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity, () => CreateAsync(kube, "reserved", """{"vaultUrl":"u"}"""));

        Assert.Equal("Gadget.rules.example.com \"reserved\" is invalid: <nil>: Invalid value: \"object\": the name reserved is taken", (string?)JsonNode.Parse(error.Response.Content)!["message"]);
    }

    [Fact]
    public async Task Has_IsTrueForAPresentButEmptyValue_AsForAMapKeyInCelSpec()
    {
        await using var kube = await TestKube.StartAsync();
        await InstallAsync(kube);

        var created = await CreateAsync(kube, "g", """{"vaultUrl":""}""");

        Assert.Equal("", (string?)created["spec"]!["vaultUrl"]);
    }

    [Fact]
    public async Task PassingObject_IsStored_WithDistinctMapKeysOnAnyKeyField()
    {
        await using var kube = await TestKube.StartAsync();
        await InstallAsync(kube);

        var created = await CreateAsync(kube, "g", """{"keyVaultName":"kv","secrets":[{"key":"A"},{"key":"B"}],"ports":[{"port":80,"protocol":"TCP"},{"port":80,"protocol":"UDP"}],"namespaces":["a","b"]}""");

        Assert.Equal(2, created["spec"]!["ports"]!.AsArray().Count);
    }

    [Fact]
    public async Task TransitionRule_ComparesWithTheStoredValue_OnUpdateOnly()
    {
        await using var kube = await TestKube.StartAsync();
        await InstallAsync(kube);
        var created = await CreateAsync(kube, "g", """{"vaultUrl":"u","owner":"alice"}""");

        created["spec"]!["owner"] = "bob";
        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity, () =>
            kube.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(created, Group, "v1", kube.Namespace, "gadgets", "g", cancellationToken: TestKube.Ct));

        Assert.True(JsonNode.Parse(error.Response.Content)!["message"]!.ToString().Contains("spec.owner: Invalid value: \"string\": owner is immutable", StringComparison.Ordinal), error.Response.Content);
        created["spec"]!["owner"] = "alice";
        created["spec"]!["region"] = "eu";
        var updated = Widgets.ToNode(await kube.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(created, Group, "v1", kube.Namespace, "gadgets", "g", cancellationToken: TestKube.Ct));
        Assert.Equal("eu", (string?)updated["spec"]!["region"]);
    }

    [Fact]
    public async Task CrdWithARuleThatDoesNotCompile_IsRefused()
    {
        await using var kube = await TestKube.StartAsync();
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdYaml.Replace("self.replicas > 0", "self.replicas >", StringComparison.Ordinal));

        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity, () =>
            kube.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: TestKube.Ct));

        Assert.True(JsonNode.Parse(error.Response.Content)!["message"]!.ToString().Contains("spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[3].rule: Invalid value: \"self.replicas >\": compilation failed", StringComparison.Ordinal), error.Response.Content);
    }

    [Fact]
    public async Task Kubectl_ShowsTheRulesMessage_WhenApplyIsRefused()
    {
        await using var kube = await TestKube.StartAsync();
        await InstallAsync(kube);
        using var kubectl = await Kubectl.ForAsync(kube.Emulator);
        await kubectl.WriteAsync("g.yaml", $$"""
            apiVersion: rules.example.com/v1
            kind: Gadget
            metadata: {name: g, namespace: {{kube.Namespace}}}
            spec:
              vaultUrl: u
              secrets: [{key: A}, {key: A}]
            """);

        var refused = await kubectl.TryAsync("apply", "-f", "g.yaml");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("The Gadget \"g\" is invalid: spec.secrets[1]: Duplicate value: map[string]interface {}{\"key\":\"A\"}", refused.Stderr);
    }

    private static Task InstallAsync(TestKube kube) =>
        kube.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdYaml), cancellationToken: TestKube.Ct);

    private static async Task<JsonObject> CreateAsync(TestKube kube, string name, string spec)
    {
        var gadget = new JsonObject
        {
            ["apiVersion"] = $"{Group}/v1",
            ["kind"] = "Gadget",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = JsonNode.Parse(spec),
        };
        return Widgets.ToNode(await kube.Client.CustomObjects.CreateNamespacedCustomObjectAsync(gadget, Group, "v1", kube.Namespace, "gadgets", cancellationToken: TestKube.Ct));
    }
}
