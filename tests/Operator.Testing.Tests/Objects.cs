using k8s.Models;

namespace Operator.Testing.Tests;

/// <summary>Small builders for the typed objects tests create.</summary>
internal static class Objects
{
    public static V1Deployment Deployment(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "busybox" }] },
            },
        },
    };

    public static V1ConfigMap ConfigMap(string name, V1OwnerReference? owner = null, IList<string>? finalizers = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            OwnerReferences = owner is null ? null : [owner],
            Finalizers = finalizers,
        },
        Data = new Dictionary<string, string> { ["k"] = "v" },
    };

    public static V1OwnerReference OwnerOf(V1Secret secret) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Name = secret.Metadata.Name,
        Uid = secret.Metadata.Uid,
    };

    public static V1OwnerReference OwnerOf(V1ConfigMap map) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Name = map.Metadata.Name,
        Uid = map.Metadata.Uid,
    };
}
