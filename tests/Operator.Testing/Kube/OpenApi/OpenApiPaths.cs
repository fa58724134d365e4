using System.Text.Json.Nodes;

namespace Operator.Testing.Kube.OpenApi;

/// <summary>
/// The operations of one resource, shaped as kube-apiserver publishes them. kubectl reads two things from them:
/// whether the PATCH operation of a kind takes the <c>fieldValidation</c> query parameter (then it leaves validation
/// to the server), and whether it accepts strategic merge patch (then client-side apply computes one).
/// </summary>
internal static class OpenApiPaths
{
    private static readonly string[] WriteParameters = ["dryRun", "fieldManager", "fieldValidation"];
    private static readonly string[] ListParameters =
        ["allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"];

    public static void Add(JsonObject paths, ResourceType type, string kindSchema, string listSchema, bool v2)
    {
        var prefix = type.Group.Length == 0 ? "/api/v1" : $"/apis/{type.Group}/{type.Version}";
        var collection = type.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{type.Plural}" : $"{prefix}/{type.Plural}";
        var item = collection + "/{name}";
        var scope = type.Namespaced ? "Namespaced" : "";
        var kind = new Operation(type, v2);

        paths[collection] = PathItem(type.Namespaced ? ["namespace"] : [], v2,
            ("get", kind.Make("list", $"list{scope}{type.Kind}", $"list or watch objects of kind {type.Kind}", ListParameters, listSchema)),
            ("post", kind.Make("post", $"create{scope}{type.Kind}", $"create a {type.Kind}", WriteParameters, kindSchema)),
            ("delete", kind.Make("deletecollection", $"deleteCollection{scope}{type.Kind}", $"delete collection of {type.Kind}", ListParameters, null)));
        paths[item] = PathItem(type.Namespaced ? ["name", "namespace"] : ["name"], v2,
            ("get", kind.Make("get", $"read{scope}{type.Kind}", $"read the specified {type.Kind}", [], kindSchema)),
            ("put", kind.Make("put", $"replace{scope}{type.Kind}", $"replace the specified {type.Kind}", WriteParameters, kindSchema)),
            ("patch", kind.Make("patch", $"patch{scope}{type.Kind}", $"partially update the specified {type.Kind}", [.. WriteParameters, "force"], kindSchema)),
            ("delete", kind.Make("delete", $"delete{scope}{type.Kind}", $"delete a {type.Kind}", ["dryRun", "gracePeriodSeconds", "propagationPolicy"], null)));
        if (type.HasStatus)
        {
            paths[item + "/status"] = PathItem(type.Namespaced ? ["name", "namespace"] : ["name"], v2,
                ("get", kind.Make("get", $"read{scope}{type.Kind}Status", $"read status of the specified {type.Kind}", [], kindSchema)),
                ("put", kind.Make("put", $"replace{scope}{type.Kind}Status", $"replace status of the specified {type.Kind}", WriteParameters, kindSchema)),
                ("patch", kind.Make("patch", $"patch{scope}{type.Kind}Status", $"partially update status of the specified {type.Kind}", [.. WriteParameters, "force"], kindSchema)));
        }

        if (type.Namespaced)
        {
            paths[$"{prefix}/{type.Plural}"] = PathItem([], v2,
                ("get", kind.Make("list", $"list{type.Kind}ForAllNamespaces", $"list or watch objects of kind {type.Kind}", ListParameters, listSchema)));
        }
    }

    private static JsonObject PathItem(string[] pathParameters, bool v2, params (string Method, JsonObject Operation)[] operations)
    {
        var item = new JsonObject();
        foreach (var (method, operation) in operations)
        {
            item[method] = operation;
        }

        item["parameters"] = new JsonArray([.. pathParameters.Select(p => (JsonNode)Parameter(p, "path", v2, required: true)), Parameter("pretty", "query", v2)]);
        return item;
    }

    private static JsonObject Parameter(string name, string location, bool v2, bool required = false)
    {
        var parameter = new JsonObject { ["name"] = name, ["in"] = location, ["description"] = ParameterDescription(name) };
        if (required)
        {
            parameter["required"] = true;
        }

        var type = name is "limit" or "timeoutSeconds" or "gracePeriodSeconds" ? "integer" : name is "watch" or "allowWatchBookmarks" or "force" or "sendInitialEvents" ? "boolean" : "string";
        if (v2)
        {
            parameter["type"] = type;
            parameter["uniqueItems"] = true;
        }
        else
        {
            parameter["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true };
        }

        return parameter;
    }

    private static string ParameterDescription(string name) => name switch
    {
        "fieldValidation" => "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict (the default).",
        "fieldManager" => "fieldManager is a name associated with the actor or entity that is making these changes.",
        "dryRun" => "When present, indicates that modifications should not be persisted.",
        "force" => "Force is going to \"force\" Apply requests. It must be unset for non-apply patch requests.",
        "name" or "namespace" => $"{name} of the object",
        _ => name,
    };

    /// <summary>What every operation of one kind shares.</summary>
    private sealed record Operation(ResourceType Type, bool V2)
    {
        public JsonObject Make(string action, string operationId, string description, IEnumerable<string> query, string? responseSchema)
        {
            var operation = new JsonObject
            {
                ["tags"] = new JsonArray(Tag()),
                ["description"] = description,
                ["operationId"] = operationId + Suffix(),
                ["parameters"] = new JsonArray([.. query.Select(q => (JsonNode)Parameter(q, "query", V2))]),
            };
            var body = action switch
            {
                "post" or "put" => new[] { "application/json", "application/yaml", "application/vnd.kubernetes.protobuf" },
                "patch" => PatchTypes(),
                _ => null,
            };
            if (body is not null)
            {
                var bodySchema = action == "patch" ? ModelSchemas.MetaName("Patch") : responseSchema!;
                if (V2)
                {
                    operation["consumes"] = new JsonArray([.. body.Select(b => (JsonNode)b)]);
                    operation["parameters"]!.AsArray().Insert(0, new JsonObject { ["name"] = "body", ["in"] = "body", ["required"] = true, ["schema"] = RefTo(bodySchema) });
                }
                else
                {
                    var content = new JsonObject();
                    foreach (var mediaType in action == "patch" ? body : ["*/*"])
                    {
                        content[mediaType] = new JsonObject { ["schema"] = RefTo(bodySchema) };
                    }

                    operation["requestBody"] = new JsonObject { ["content"] = content, ["required"] = true };
                }
            }

            operation["responses"] = Responses(action == "post" ? "201" : "200", responseSchema ?? ModelSchemas.MetaName("Status"));
            operation["x-kubernetes-action"] = action;
            operation["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = Type.Group, ["kind"] = Type.Kind, ["version"] = Type.Version };
            return operation;
        }

        // Custom resources take no strategic merge patch (the real server answers 415), so kubectl sends them merge patches.
        private string[] PatchTypes() => Type.IsCustom
            ? ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"]
            : ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"];

        private JsonObject Responses(string code, string schema)
        {
            if (V2)
            {
                return new JsonObject { [code] = new JsonObject { ["description"] = "OK", ["schema"] = RefTo(schema) } };
            }

            var content = new JsonObject();
            foreach (var mediaType in new[] { "application/json", "application/yaml" })
            {
                content[mediaType] = new JsonObject { ["schema"] = RefTo(schema) };
            }

            return new JsonObject { [code] = new JsonObject { ["description"] = "OK", ["content"] = content } };
        }

        private JsonObject RefTo(string schema) => new() { ["$ref"] = (V2 ? "#/definitions/" : "#/components/schemas/") + schema };

        private string Tag() => Type.Group.Length == 0 ? "core_v1" : $"{Type.Group.Split('.')[0]}_{Type.Version}";

        private string Suffix() => Type.Group.Length == 0 ? "" : "_" + Type.Group.Replace('.', '_') + "_" + Type.Version;
    }
}
