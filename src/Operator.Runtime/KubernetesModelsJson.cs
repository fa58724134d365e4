using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace Operator.Runtime;

/// <summary>
/// JSON metadata, generated at build time, for the Kubernetes models the operator reads and writes (and what they
/// contain), with KubernetesClient's own options. It replaces the library's context, which covers every model of the
/// API (16,000 compiled methods, ~20 MB of a Native AOT binary, resident once loaded: make bench, issue 21).
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    Converters = [typeof(KubernetesJson.Iso8601TimeSpanConverter), typeof(KubernetesJson.KubernetesDateTimeConverter), typeof(KubernetesJson.KubernetesDateTimeOffsetConverter)])]
[JsonSerializable(typeof(V1Status))]
[JsonSerializable(typeof(V1Condition))]
[JsonSerializable(typeof(V1DeleteOptions))]
[JsonSerializable(typeof(V1Patch))]
[JsonSerializable(typeof(V1Secret))]
[JsonSerializable(typeof(V1SecretList))]
[JsonSerializable(typeof(V1ConfigMap))]
[JsonSerializable(typeof(V1ConfigMapList))]
[JsonSerializable(typeof(Eventsv1Event))]
[JsonSerializable(typeof(Eventsv1EventList))]
[JsonSerializable(typeof(V1Lease))]
[JsonSerializable(typeof(V1LeaseList))]
[JsonSerializable(typeof(V1Namespace))]
[JsonSerializable(typeof(V1NamespaceList))]
[JsonSerializable(typeof(V1Role))]
[JsonSerializable(typeof(V1RoleList))]
[JsonSerializable(typeof(V1RoleBinding))]
[JsonSerializable(typeof(V1RoleBindingList))]
[JsonSerializable(typeof(V1ClusterRole))]
[JsonSerializable(typeof(V1ClusterRoleBinding))]
[JsonSerializable(typeof(V1Deployment))]
[JsonSerializable(typeof(V1DeploymentList))]
[JsonSerializable(typeof(V1StatefulSet))]
[JsonSerializable(typeof(V1StatefulSetList))]
[JsonSerializable(typeof(V1DaemonSet))]
[JsonSerializable(typeof(V1DaemonSetList))]
[JsonSerializable(typeof(V1CustomResourceDefinition))]
[JsonSerializable(typeof(V1CustomResourceDefinitionList))]
[JsonSerializable(typeof(V1MutatingWebhookConfiguration))]
[JsonSerializable(typeof(V1MutatingWebhookConfigurationList))]
[JsonSerializable(typeof(V1ValidatingWebhookConfiguration))]
[JsonSerializable(typeof(V1TokenReview))]
[JsonSerializable(typeof(V1SelfSubjectReview))]
[JsonSerializable(typeof(Authenticationv1TokenRequest))]
[JsonSerializable(typeof(V1ServiceAccount))]
internal sealed partial class KubernetesModelsJsonContext : JsonSerializerContext
{
}

/// <summary>
/// Sets KubernetesClient's shared JSON options (<see cref="KubernetesJson"/>) to resolve models from
/// <see cref="KubernetesModelsJsonContext"/>, the operator's own types by reflection, and to refuse a model the context
/// lacks with its name (in every build, so a test finds it before a Native AOT binary would). Call it before anything
/// serializes: the options are frozen by their first use.
/// </summary>
public static class KubernetesModelsJson
{
    private static readonly Lock Gate = new();
    private static bool configured;

    /// <summary>Configures the options once; later calls do nothing. <paramref name="more"/>: resolvers for models only
    /// tests use (consulted after the operator's, before a missing model fails).</summary>
    public static void Configure(params IJsonTypeInfoResolver[] more)
    {
        lock (Gate)
        {
            if (configured)
            {
                return;
            }

            KubernetesJson.AddJsonOptions(options =>
            {
                options.TypeInfoResolverChain.Clear();
                options.TypeInfoResolverChain.Add(KubernetesModelsJsonContext.Default);
                foreach (var resolver in more)
                {
                    options.TypeInfoResolverChain.Add(resolver);
                }

                options.TypeInfoResolverChain.Add(new MissingModels());
                options.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver());
            });
            configured = true;
        }
    }

    /// <summary>Models resolved from the generated context; the rest of the chain never sees them.</summary>
    internal static bool IsModel(Type type) => type.Assembly == typeof(V1Secret).Assembly && type.Namespace == "k8s.Models";

    /// <summary>A model the generated context does not hold fails here, named, instead of falling to reflection.</summary>
    private sealed class MissingModels : IJsonTypeInfoResolver
    {
        public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) => IsModel(type)
            ? throw new NotSupportedException($"{type.Name} is not in {nameof(KubernetesModelsJsonContext)}: add [JsonSerializable(typeof({type.Name}))] there")
            : null;
    }
}
