using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Playground;

/// <summary>Creates the objects of config/samples (what <c>kubectl apply -k config/samples</c> would do).</summary>
internal static class SampleApplier
{
    private static readonly Dictionary<string, Type> Types = new(StringComparer.Ordinal)
    {
        ["v1/Namespace"] = typeof(V1Namespace),
        ["v1/Secret"] = typeof(V1Secret),
        [$"{Api.GroupVersion}/{SecretStoreIntegration.KindName}"] = typeof(SecretStoreIntegration),
        [$"{Api.GroupVersion}/{SecretGroup.KindName}"] = typeof(SecretGroup),
    };

    /// <summary>Creates what is not there yet; returns every sample object (applied now or before).</summary>
    public static async Task<IReadOnlyList<object>> ApplyAsync(IKubernetes client, string samplesDirectory, CancellationToken cancellationToken)
    {
        // Namespaces first, then the source Secret, then integrations before groups, as kustomize orders them.
        var objects = new List<object>();
        foreach (var file in Directory.GetFiles(samplesDirectory, "*.yaml").Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var yaml = await File.ReadAllTextAsync(file, cancellationToken);
            var lastApplied = LastApplied.Of(yaml);
            foreach (var o in KubernetesYaml.LoadAllFromString(yaml, Types))
            {
                // Seeded as `kubectl apply -k config/samples` leaves them, so the user's own apply merges without a warning.
                if (o is IKubernetesObject<V1ObjectMeta> { Metadata: { } metadata } typed
                    && lastApplied.TryGetValue(LastApplied.Key(typed.Kind, metadata.NamespaceProperty, metadata.Name), out var annotation))
                {
                    metadata.Annotations ??= new Dictionary<string, string>(StringComparer.Ordinal);
                    metadata.Annotations[LastApplied.Annotation] = annotation;
                }

                objects.Add(o);
            }
        }

        foreach (var o in objects.OrderBy(Rank))
        {
            try
            {
                switch (o)
                {
                    case V1Namespace ns:
                        await client.CoreV1.CreateNamespaceAsync(ns, cancellationToken: cancellationToken);
                        break;
                    case V1Secret secret:
                        await client.CoreV1.CreateNamespacedSecretAsync(secret, secret.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
                        break;
                    case SecretStoreIntegration ssi:
                        await new ResourceClient<SecretStoreIntegration>(client).CreateAsync(ssi, cancellationToken);
                        break;
                    case SecretGroup group:
                        await new ResourceClient<SecretGroup>(client).CreateAsync(group, cancellationToken);
                        break;
                }
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                // Already there: applying twice is fine.
            }
        }

        return objects;
    }

    private static int Rank(object o) => o switch
    {
        V1Namespace => 0,
        V1Secret => 1,
        SecretStoreIntegration => 2,
        _ => 3,
    };
}
