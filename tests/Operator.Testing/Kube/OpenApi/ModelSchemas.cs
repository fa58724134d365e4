using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Operator.Testing.Kube.OpenApi;

/// <summary>
/// OpenAPI schemas of the built-in kinds, derived by reflection from KubernetesClient's model types (the types the
/// operator itself serialises). They carry field names and types, not the upstream descriptions, required lists or
/// patch strategies: see the emulator README for why and what that changes.
/// </summary>
internal static partial class ModelSchemas
{
    private const string MetaPrefix = "io.k8s.apimachinery.pkg.apis.meta.v1.";

    // Types apimachinery defines (upstream names them io.k8s.apimachinery.pkg.apis.meta.v1.X).
    private static readonly HashSet<string> MetaTypes =
    [
        "ObjectMeta", "ListMeta", "LabelSelector", "LabelSelectorRequirement", "OwnerReference", "ManagedFieldsEntry",
        "Condition", "Status", "StatusDetails", "StatusCause", "DeleteOptions", "Preconditions", "APIResource",
    ];

    private static readonly Lazy<Dictionary<(string Group, string Version, string Kind), Type>> Kinds = new(() =>
        typeof(V1Secret).Assembly.GetTypes()
            .Select(t => (Type: t, Entity: t.GetCustomAttribute<KubernetesEntityAttribute>()))
            .Where(e => e.Entity is not null && e.Entity.Kind is { Length: > 0 })
            .GroupBy(e => (e.Entity!.Group ?? "", e.Entity.ApiVersion ?? "", e.Entity.Kind))
            .ToDictionary(g => g.Key, g => g.First().Type));

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    /// <summary>The model type for a built-in kind, or null when KubernetesClient has none.</summary>
    public static Type? ModelFor(string group, string version, string kind) =>
        Kinds.Value.GetValueOrDefault((group, version, kind));

    /// <summary>The component name upstream uses for a meta/v1 type, e.g. ObjectMeta.</summary>
    public static string MetaName(string name) => MetaPrefix + name;

    /// <summary>
    /// Adds the schema of <paramref name="model"/> (and every type it reaches) to <paramref name="components"/> and
    /// returns its component name. <paramref name="group"/> names types that KubernetesClient does not prefix.
    /// </summary>
    public static string Add(Type model, string group, IDictionary<string, JsonNode?> components)
    {
        var name = ComponentName(model, group);
        if (components.ContainsKey(name))
        {
            return name;
        }

        var properties = new JsonObject();
        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        components[name] = schema; // before the properties: types may refer to themselves (JSONSchemaProps)
        foreach (var property in Properties.GetOrAdd(model, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)))
        {
            if (property.GetCustomAttribute<JsonPropertyNameAttribute>() is { } json)
            {
                properties[json.Name] = SchemaOf(property.PropertyType, group, components);
            }
        }

        return name;
    }

    /// <summary>A reference to a component, in the form the document's version uses.</summary>
    public static JsonObject Ref(string component) => new() { ["$ref"] = "#/components/schemas/" + component };

    private static JsonObject SchemaOf(Type type, string group, IDictionary<string, JsonNode?> components)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = type == typeof(int) ? "int32" : "int64" };
        }

        if (type == typeof(double) || type == typeof(float))
        {
            return new JsonObject { ["type"] = "number", ["format"] = "double" };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type == typeof(byte[]))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "byte" };
        }

        if (type == typeof(IntOrString))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "int-or-string", ["x-kubernetes-int-or-string"] = true };
        }

        if (type == typeof(ResourceQuantity))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "quantity" };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>))
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = SchemaOf(type.GetGenericArguments()[1], group, components) };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var open && (open == typeof(IList<>) || open == typeof(IEnumerable<>)))
        {
            return new JsonObject { ["type"] = "array", ["items"] = SchemaOf(type.GetGenericArguments()[0], group, components) };
        }

        if (type.Namespace == "k8s.Models" && type.IsClass)
        {
            return Ref(Add(type, group, components));
        }

        // object (RawExtension, JSON): any value.
        return new JsonObject { ["x-kubernetes-preserve-unknown-fields"] = true };
    }

    // KubernetesClient names V1Container, Corev1Event, Rbacv1Subject; upstream io.k8s.api.core.v1.Container ...
    private static string ComponentName(Type model, string group)
    {
        var match = ModelName().Match(model.Name);
        if (!match.Success)
        {
            return "io.k8s.emulator." + model.Name;
        }

        var name = match.Groups["name"].Value;
        var version = match.Groups["version"].Value.ToLowerInvariant();
        if (version == "v1" && MetaTypes.Contains(name))
        {
            return MetaPrefix + name;
        }

        var owner = match.Groups["group"].Success ? match.Groups["group"].Value.ToLowerInvariant() : ShortGroup(group);
        return owner == "apiextensions"
            ? $"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.{version}.{name}"
            : $"io.k8s.api.{owner}.{version}.{name}";
    }

    private static string ShortGroup(string group) => group.Length == 0 ? "core" : group.Split('.')[0];

    [GeneratedRegex("^(?<group>[A-Z][a-z]+)?(?<version>[Vv][0-9]+(?:alpha[0-9]+|beta[0-9]+)?)(?<name>[A-Z][A-Za-z0-9]*)$")]
    private static partial Regex ModelName();
}
