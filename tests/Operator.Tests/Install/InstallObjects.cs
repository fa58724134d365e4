using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Operator.Tests.Install;

/// <summary>The objects of an install (kustomize output, install.yaml, a chart rendering) as JSON, with typed views.</summary>
internal static class InstallObjects
{
    /// <summary>Every non-empty document of a multi-document YAML text.</summary>
    public static IReadOnlyList<JsonObject> Parse(string yaml) =>
        [.. yaml.ReplaceLineEndings("\n").Split("\n---").Select(d => YamlJson.Parse(d)).OfType<JsonObject>()];

    public static string Kind(this JsonObject o) => (string?)o["kind"] ?? "";

    public static string Name(this JsonObject o) => (string?)o["metadata"]?["name"] ?? "";

    public static IEnumerable<T> OfKind<T>(this IEnumerable<JsonObject> objects, string kind) =>
        objects.Where(o => o.Kind() == kind).Select(o => KubernetesJson.Deserialize<T>(o.ToJsonString()));

    public static V1Deployment Deployment(this IEnumerable<JsonObject> objects) => Assert.Single(objects.OfKind<V1Deployment>("Deployment"));
}
