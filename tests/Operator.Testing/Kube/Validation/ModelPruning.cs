using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;
using Operator.Testing.Kube.OpenApi;

namespace Operator.Testing.Kube.Validation;

/// <summary>
/// Drops the fields of a built-in object that its Go type does not have, as decoding into that type does, and reports
/// each one's path (e.g. <c>spec.template.spec.containers[0].imagePullPolicyTwo</c>). The Go types are stood for by
/// KubernetesClient's models, the same source as the published OpenAPI (<see cref="ModelSchemas"/>).
/// </summary>
internal static class ModelPruning
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, Type>> Fields = new();

    /// <summary>Prunes a built-in object; false when KubernetesClient has no model for the kind (nothing is pruned).</summary>
    public static bool Prune(ResourceType type, JsonObject obj, Action<string> unknown)
    {
        if (ModelSchemas.ModelFor(type.Group, type.Version, type.Kind) is not { } model)
        {
            return false;
        }

        PruneObject(obj, model, "", unknown);
        return true;
    }

    /// <summary>Prunes metadata, which every kind (custom ones too) decodes as ObjectMeta.</summary>
    public static void PruneMetadata(JsonObject obj, Action<string> unknown)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            PruneObject(metadata, typeof(V1ObjectMeta), "metadata", unknown);
        }
    }

    private static void Prune(JsonNode? node, Type type, string path, Action<string> unknown)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        switch (node)
        {
            case JsonObject obj when type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>):
                foreach (var (key, value) in obj.ToList())
                {
                    Prune(value, type.GetGenericArguments()[1], $"{path}.{key}", unknown);
                }

                break;
            case JsonObject obj when type.Namespace == "k8s.Models" && type.IsClass && type != typeof(IntOrString) && type != typeof(ResourceQuantity):
                PruneObject(obj, type, path, unknown);
                break;
            case JsonArray array when type.IsGenericType && type.GetGenericArguments() is [var item]:
                for (var i = 0; i < array.Count; i++)
                {
                    Prune(array[i], item, $"{path}[{i}]", unknown);
                }

                break;
        }
    }

    private static void PruneObject(JsonObject obj, Type model, string path, Action<string> unknown)
    {
        var fields = Fields.GetOrAdd(model, static m => m.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, p.PropertyType))
            .Where(p => p.Name is not null)
            .ToDictionary(p => p.Name!, p => p.PropertyType, StringComparer.Ordinal));
        foreach (var (key, value) in obj.ToList())
        {
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            if (fields.TryGetValue(key, out var fieldType))
            {
                Prune(value, fieldType, childPath, unknown);
            }
            else
            {
                obj.Remove(key);
                unknown(childPath);
            }
        }
    }
}
