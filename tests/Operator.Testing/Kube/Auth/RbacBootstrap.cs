using System.Text.Json.Nodes;
using k8s;

namespace Operator.Testing.Kube;

/// <summary>The bootstrap RBAC policy every API server starts with (bootstrap-policy.yaml, embedded).</summary>
internal static class RbacBootstrap
{
    public static IEnumerable<(string Plural, JsonObject Object)> Objects()
    {
        using var stream = typeof(RbacBootstrap).Assembly.GetManifestResourceStream("Operator.Testing.Kube.Auth.bootstrap-policy.yaml")
            ?? throw new InvalidOperationException("bootstrap-policy.yaml is not embedded");
        using var reader = new StreamReader(stream);
        foreach (var obj in KubernetesYaml.LoadAllFromString(reader.ReadToEnd()))
        {
            var json = JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();
            yield return ((string?)json["kind"] == "ClusterRole" ? "clusterroles" : "clusterrolebindings", json);
        }
    }
}
