using k8s;
using k8s.Models;
using Operator.Manifests;

namespace Operator.Tests.Manifests;

/// <summary>The CRDs as written to disk, parsed back from the rendered YAML so tests see what the API server sees.</summary>
internal static class RenderedCrds
{
    public static V1CustomResourceDefinition SecretGroup { get; } = Load("secretgroups");

    public static V1CustomResourceDefinition SecretStoreIntegration { get; } = Load("secretstoreintegrations");

    public static V1JSONSchemaProps Root(V1CustomResourceDefinition crd) => crd.Spec.Versions.Single().Schema.OpenAPIV3Schema;

    /// <summary>Follows a path of property names; <c>[]</c> steps into list items.</summary>
    public static V1JSONSchemaProps At(V1CustomResourceDefinition crd, params string[] path)
    {
        var schema = Root(crd);
        foreach (var step in path)
        {
            schema = step == "[]" ? AsSchema(schema.Items) : schema.Properties[step];
        }

        return schema;
    }

    // YAML leaves the untyped `items` and `additionalProperties` as dictionaries; a round trip types them.
    public static V1JSONSchemaProps AsSchema(object value) =>
        value as V1JSONSchemaProps ?? KubernetesYaml.Deserialize<V1JSONSchemaProps>(KubernetesYaml.Serialize(value));

    private static V1CustomResourceDefinition Load(string plural) =>
        KubernetesYaml.Deserialize<V1CustomResourceDefinition>(
            ManifestWriter.Render()[$"{ManifestWriter.CrdBasesDirectory}/secrets.tfy.dev_{plural}.yaml"]);
}
