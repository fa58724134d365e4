using System.Text.Json;
using System.Text.Json.Nodes;
using Operator.Testing.Kube.Protobuf;

namespace Operator.Testing.Kube.OpenApi;

/// <summary>
/// Encodes the OpenAPI v2 document as the gnostic protobuf (github.com/google/gnostic-models openapiv2/OpenAPIv2.proto)
/// that client-go's <c>DiscoveryClient.OpenAPISchema()</c> asks for and parses. Field numbers are that file's; values
/// that are free JSON (defaults, enums, vendor extensions) travel as YAML text, of which JSON is a subset.
/// oneOf/anyOf/not have no field in Swagger 2.0 and are dropped, as the real server drops them in v2.
/// </summary>
internal static class OpenApiV2Protobuf
{
    public static byte[] Encode(JsonObject document)
    {
        var writer = new ProtoWriter();
        writer.String(1, (string?)document["swagger"]);
        writer.Message(2, info =>
        {
            info.String(1, (string?)document["info"]?["title"]);
            info.String(2, (string?)document["info"]?["version"]);
        });
        writer.Message(8, paths =>
        {
            foreach (var (path, item) in document["paths"] as JsonObject ?? [])
            {
                paths.Message(2, named =>
                {
                    named.String(1, path);
                    named.Message(2, pathItem => PathItem(pathItem, (JsonObject)item!));
                });
            }
        });
        writer.Message(9, definitions =>
        {
            foreach (var (name, schema) in document["definitions"] as JsonObject ?? [])
            {
                definitions.Message(1, named =>
                {
                    named.String(1, name);
                    named.Message(2, s => Schema(s, (JsonObject)schema!));
                });
            }
        });
        return writer.ToArray();
    }

    private static void PathItem(ProtoWriter writer, JsonObject item)
    {
        foreach (var (method, field) in new[] { ("get", 2), ("put", 3), ("post", 4), ("delete", 5), ("patch", 8) })
        {
            if (item[method] is JsonObject operation)
            {
                writer.Message(field, o => Operation(o, operation));
            }
        }

        Parameters(writer, 9, item["parameters"]);
    }

    private static void Operation(ProtoWriter writer, JsonObject operation)
    {
        writer.Strings(1, operation["tags"]);
        writer.String(3, (string?)operation["description"]);
        writer.String(5, (string?)operation["operationId"]);
        writer.Strings(7, operation["consumes"]);
        Parameters(writer, 8, operation["parameters"]);
        writer.Message(9, responses =>
        {
            foreach (var (code, response) in operation["responses"] as JsonObject ?? [])
            {
                responses.Message(1, named =>
                {
                    named.String(1, code);
                    named.Message(2, value => value.Message(1, r =>
                    {
                        r.String(1, (string?)response?["description"]);
                        if (response?["schema"] is JsonObject schema)
                        {
                            r.Message(2, item => item.Message(1, s => Schema(s, schema)));
                        }
                    }));
                });
            }
        });
        Extensions(writer, 13, operation);
    }

    private static void Parameters(ProtoWriter writer, int field, JsonNode? parameters)
    {
        foreach (var parameter in (parameters as JsonArray ?? []).OfType<JsonObject>())
        {
            writer.Message(field, item => item.Message(1, p =>
            {
                var location = (string?)parameter["in"];
                if (location == "body")
                {
                    p.Message(1, body =>
                    {
                        body.String(2, (string?)parameter["name"]);
                        body.String(3, location);
                        body.Bool(4, parameter["required"]?.GetValue<bool>() == true);
                        body.Message(5, s => Schema(s, (JsonObject)parameter["schema"]!));
                    });
                    return;
                }

                // NonBodyParameter: query_parameter_sub_schema = 3, path_parameter_sub_schema = 4.
                var isPath = location == "path";
                p.Message(2, nonBody => nonBody.Message(isPath ? 4 : 3, sub =>
                {
                    sub.Bool(1, parameter["required"]?.GetValue<bool>() == true);
                    sub.String(2, location);
                    sub.String(3, (string?)parameter["description"]);
                    sub.String(4, (string?)parameter["name"]);
                    sub.String(isPath ? 5 : 6, (string?)parameter["type"]);
                    sub.Bool(isPath ? 19 : 20, parameter["uniqueItems"]?.GetValue<bool>() == true);
                }));
            }));
        }
    }

    private static void Schema(ProtoWriter writer, JsonObject schema)
    {
        writer.String(1, (string?)schema["$ref"]);
        writer.String(2, (string?)schema["format"]);
        writer.String(3, (string?)schema["title"]);
        writer.String(4, (string?)schema["description"]);
        writer.Any(5, schema["default"]);
        writer.Double(6, Number(schema["multipleOf"]));
        writer.Double(7, Number(schema["maximum"]));
        writer.Bool(8, schema["exclusiveMaximum"]?.GetValueKind() == JsonValueKind.True);
        writer.Double(9, Number(schema["minimum"]));
        writer.Bool(10, schema["exclusiveMinimum"]?.GetValueKind() == JsonValueKind.True);
        foreach (var (name, field) in new[] { ("maxLength", 11), ("minLength", 12), ("maxItems", 14), ("minItems", 15), ("maxProperties", 17), ("minProperties", 18) })
        {
            writer.Int(field, (long?)Number(schema[name]));
        }

        writer.String(13, (string?)schema["pattern"]);
        writer.Bool(16, schema["uniqueItems"]?.GetValueKind() == JsonValueKind.True);
        writer.Strings(19, schema["required"]);
        foreach (var value in schema["enum"] as JsonArray ?? [])
        {
            writer.Any(20, value, always: true);
        }

        switch (schema["additionalProperties"])
        {
            case JsonObject additional:
                writer.Message(21, a => a.Message(1, s => Schema(s, additional)));
                break;
            case JsonValue flag:
                writer.Message(21, a => a.Bool(2, flag.GetValueKind() == JsonValueKind.True, always: true));
                break;
        }

        if ((string?)schema["type"] is { } type)
        {
            writer.Message(22, t => t.String(1, type));
        }

        if (schema["items"] is JsonObject items)
        {
            writer.Message(23, i => i.Message(1, s => Schema(s, items)));
        }

        foreach (var part in (schema["allOf"] as JsonArray ?? []).OfType<JsonObject>())
        {
            writer.Message(24, s => Schema(s, part));
        }

        if (schema["properties"] is JsonObject properties)
        {
            writer.Message(25, p =>
            {
                foreach (var (name, property) in properties)
                {
                    p.Message(1, named =>
                    {
                        named.String(1, name);
                        named.Message(2, s => Schema(s, (JsonObject)property!));
                    });
                }
            });
        }

        Extensions(writer, 31, schema);
    }

    private static void Extensions(ProtoWriter writer, int field, JsonObject obj)
    {
        foreach (var (name, value) in obj.Where(p => p.Key.StartsWith("x-", StringComparison.Ordinal)))
        {
            writer.Message(field, named =>
            {
                named.String(1, name);
                named.Message(2, any => any.String(2, value?.ToJsonString() ?? "null"));
            });
        }
    }

    private static double? Number(JsonNode? node) => node?.GetValueKind() == JsonValueKind.Number ? node.GetValue<double>() : null;
}
