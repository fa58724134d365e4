using k8s;
using k8s.Models;
using Operator.Entities.V1Alpha1;

namespace Operator.Tests.Manifests;

/// <summary>Hand-written YAML under config/, parsed strictly into typed objects (an unknown field is an error).</summary>
internal static class ConfigManifests
{
    private static readonly Dictionary<string, Type> Types = new()
    {
        ["apiextensions.k8s.io/v1/CustomResourceDefinition"] = typeof(V1CustomResourceDefinition),
        ["v1/Namespace"] = typeof(V1Namespace),
        ["v1/Secret"] = typeof(V1Secret),
        ["v1/ServiceAccount"] = typeof(V1ServiceAccount),
        ["apps/v1/Deployment"] = typeof(V1Deployment),
        ["rbac.authorization.k8s.io/v1/ClusterRole"] = typeof(V1ClusterRole),
        ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = typeof(V1ClusterRoleBinding),
        ["rbac.authorization.k8s.io/v1/Role"] = typeof(V1Role),
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = typeof(V1RoleBinding),
        [$"{Api.GroupVersion}/{SecretGroup.KindName}"] = typeof(SecretGroup),
        [$"{Api.GroupVersion}/{SecretStoreIntegration.KindName}"] = typeof(SecretStoreIntegration),
    };

    /// <summary>Every object in a multi-document YAML text, strictly typed.</summary>
    public static IReadOnlyList<object> Parse(string yaml) => KubernetesYaml.LoadAllFromString(yaml, Types, strict: true);

    /// <summary>Every object in the resources listed by a folder's kustomization.yaml.</summary>
    public static IReadOnlyList<object> Load(string folder)
    {
        var kustomization = KubernetesYaml.Deserialize<Dictionary<string, object>>(
            File.ReadAllText(RepositoryRoot.File($"{folder}/kustomization.yaml")));
        var resources = ((IEnumerable<object>)kustomization["resources"]).Select(r => (string)r);
        return [.. resources.SelectMany(r => Parse(File.ReadAllText(RepositoryRoot.File($"{folder}/{r}"))))];
    }

    public static T Single<T>(string folder) => Assert.Single(Load(folder).OfType<T>());
}
