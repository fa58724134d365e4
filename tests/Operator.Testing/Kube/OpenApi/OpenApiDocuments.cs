using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;

namespace Operator.Testing.Kube.OpenApi;

/// <summary>One published document: its bytes and the hash kubectl caches it under.</summary>
internal sealed record PublishedDocument(JsonObject Document, byte[] Json, string Hash);

/// <summary>
/// The OpenAPI v3 documents (one per group-version, listed by hash at /openapi/v3) and the OpenAPI v2 document,
/// built from the served resources: CRD schemas as written, built-in kinds from <see cref="ModelSchemas"/>.
/// Rebuilt when the registry changes (a CRD is created, changed or deleted).
/// </summary>
internal sealed class OpenApiDocuments(ResourceRegistry registry)
{
    private long _builtFor = -1;
    private Dictionary<string, PublishedDocument> _v3 = [];
    private PublishedDocument? _v2;

    /// <summary>The /openapi/v3 discovery document: each group-version's path with the hash of its document.</summary>
    public JsonObject Root()
    {
        Refresh();
        var paths = new JsonObject();
        foreach (var (path, document) in _v3.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            paths[path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}?hash={document.Hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document of "api/v1" or "apis/{group}/{version}", or null when nothing is served there.</summary>
    public PublishedDocument? GroupVersion(string path)
    {
        Refresh();
        return _v3.GetValueOrDefault(path);
    }

    public PublishedDocument V2()
    {
        Refresh();
        return _v2!;
    }

    private void Refresh()
    {
        if (_builtFor == registry.Revision)
        {
            return;
        }

        var all = registry.All.ToList();
        _v3 = all.GroupBy(t => t.Group.Length == 0 ? $"api/{t.Version}" : $"apis/{t.Group}/{t.Version}")
            .ToDictionary(g => g.Key, g => Publish(Build(g, v2: false)), StringComparer.Ordinal);
        _v2 = Publish(Build(all, v2: true));
        _builtFor = registry.Revision;
    }

    private static JsonObject Build(IEnumerable<ResourceType> types, bool v2)
    {
        var components = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        var paths = new JsonObject();
        ModelSchemas.Add(typeof(V1Status), "", components);
        components[ModelSchemas.MetaName("Patch")] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
        };
        foreach (var type in types.OrderBy(t => t.Group, StringComparer.Ordinal).ThenBy(t => t.Plural, StringComparer.Ordinal))
        {
            var kind = type.IsCustom ? CustomKind(type, components) : BuiltInKind(type, components);
            var list = ListKind(type, kind, components);
            OpenApiPaths.Add(paths, type, kind, list, v2);
        }

        var schemas = new JsonObject();
        foreach (var (name, schema) in components)
        {
            schemas[name] = schema;
        }

        var document = v2
            ? new JsonObject { ["swagger"] = "2.0", ["info"] = Info(), ["paths"] = paths, ["definitions"] = schemas }
            : new JsonObject { ["openapi"] = "3.0.0", ["info"] = Info(), ["paths"] = paths, ["components"] = new JsonObject { ["schemas"] = schemas } };
        if (v2)
        {
            ToVersion2(document);
        }

        return document;
    }

    private static JsonObject Info() => new() { ["title"] = "Kubernetes", ["version"] = "v1.32.0-emulator" };

    private static string BuiltInKind(ResourceType type, IDictionary<string, JsonNode?> components)
    {
        var model = ModelSchemas.ModelFor(type.Group, type.Version, type.Kind)
            ?? throw new InvalidOperationException($"KubernetesClient has no model for {type.ApiVersion} {type.Kind}");
        var name = ModelSchemas.Add(model, type.Group, components);
        components[name]!["x-kubernetes-group-version-kind"] = Gvk(type, type.Kind);
        return name;
    }

    // As the apiextensions server publishes a CRD: its schema, with apiVersion, kind and ObjectMeta added.
    private static string CustomKind(ResourceType type, IDictionary<string, JsonNode?> components)
    {
        var schema = type.Schema?.DeepClone().AsObject() ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        if (schema["properties"] is not JsonObject properties)
        {
            properties = new JsonObject();
            schema["properties"] = properties;
        }

        properties["apiVersion"] = new JsonObject { ["type"] = "string", ["description"] = "APIVersion defines the versioned schema of this representation of an object." };
        properties["kind"] = new JsonObject { ["type"] = "string", ["description"] = "Kind is a string value representing the REST resource this object represents." };
        properties["metadata"] = ModelSchemas.Ref(ModelSchemas.Add(typeof(V1ObjectMeta), "", components));
        schema["x-kubernetes-group-version-kind"] = Gvk(type, type.Kind);
        var name = $"{string.Join('.', type.Group.Split('.').Reverse())}.{type.Version}.{type.Kind}";
        components[name] = schema;
        return name;
    }

    private static string ListKind(ResourceType type, string kind, IDictionary<string, JsonNode?> components)
    {
        var name = kind + "List";
        components[name] = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("items"),
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["type"] = "string" },
                ["kind"] = new JsonObject { ["type"] = "string" },
                ["items"] = new JsonObject { ["type"] = "array", ["items"] = ModelSchemas.Ref(kind) },
                ["metadata"] = ModelSchemas.Ref(ModelSchemas.Add(typeof(V1ListMeta), "", components)),
            },
            ["x-kubernetes-group-version-kind"] = Gvk(type, type.ListKind),
        };
        return name;
    }

    private static JsonArray Gvk(ResourceType type, string kind) =>
        new(new JsonObject { ["group"] = type.Group, ["kind"] = kind, ["version"] = type.Version });

    // Swagger 2.0 has no nullable and keeps its schemas under #/definitions.
    private static void ToVersion2(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                obj.Remove("nullable");
                if (obj["$ref"] is JsonValue reference && ((string?)reference)?.StartsWith("#/components/schemas/", StringComparison.Ordinal) == true)
                {
                    obj["$ref"] = "#/definitions/" + ((string)reference!)["#/components/schemas/".Length..];
                }

                foreach (var (_, child) in obj.ToList())
                {
                    ToVersion2(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    ToVersion2(child);
                }

                break;
        }
    }

    private static PublishedDocument Publish(JsonObject document)
    {
        var json = Encoding.UTF8.GetBytes(document.ToJsonString(Json.Options));
        return new PublishedDocument(document, json, Convert.ToHexString(SHA512.HashData(json)));
    }
}
