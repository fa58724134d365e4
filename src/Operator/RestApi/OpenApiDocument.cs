using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.RegularExpressions;

namespace Operator.RestApi;

/// <summary>
/// The OpenAPI 3.1 document served at <c>/openapi.json</c>, made from the route table (<see cref="ApiRoutes.For"/>)
/// and the request and response records (their JSON schemas as System.Text.Json writes them).
/// </summary>
public static partial class OpenApiDocument
{
    public static JsonObject Build(IReadOnlyList<ApiRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var paths = new JsonObject();
        foreach (var route in routes)
        {
            if (paths[route.Pattern] is not JsonObject item)
            {
                item = [];
                paths[route.Pattern] = item;
            }

            item[route.Method.ToLowerInvariant()] = Operation(route);
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "SecretGroup operator: Secret Management API",
                ["version"] = "v1",
                ["description"] = "Secret groups and their values; values go only to the external store. Every error is {\"error\": {\"code\", \"message\"}}.",
            },
            ["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }, new JsonObject { ["apiKey"] = new JsonArray() }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject
                    {
                        ["type"] = "http",
                        ["scheme"] = "bearer",
                        ["description"] = "A Kubernetes token for the API's audience: kubectl create token <serviceaccount> --audience secretgroup-api",
                    },
                    ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = ApiAuthenticator.ApiKeyHeader },
                },
                ["schemas"] = new JsonObject { ["Error"] = ErrorSchema() },
            },
        };
    }

    private static JsonObject Operation(ApiRoute route)
    {
        var parameters = new JsonArray();
        foreach (Match m in PathParameter().Matches(route.Pattern))
        {
            parameters.Add(new JsonObject { ["name"] = m.Groups[1].Value, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        foreach (var q in route.Query)
        {
            parameters.Add(new JsonObject { ["name"] = q.Name, ["in"] = "query", ["required"] = false, ["description"] = q.Description, ["schema"] = new JsonObject { ["type"] = q.Type } });
        }

        var success = new JsonObject { ["description"] = route.Response is null ? "Done; no body" : "OK" };
        if (route.Response is { } response)
        {
            success["content"] = Json(Schema(response));
        }

        var operation = new JsonObject
        {
            ["operationId"] = route.OperationId,
            ["summary"] = route.Summary,
            ["description"] = $"Who may call it: {route.Access}.",
            ["parameters"] = parameters,
            ["responses"] = new JsonObject
            {
                [route.SuccessStatus.ToString(System.Globalization.CultureInfo.InvariantCulture)] = success,
                ["default"] = new JsonObject { ["description"] = "An error", ["content"] = Json(new JsonObject { ["$ref"] = "#/components/schemas/Error" }) },
            },
        };
        if (route.Body is { } body)
        {
            operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = Json(Schema(body)) };
        }

        return operation;
    }

    private static JsonObject ErrorSchema()
    {
        var schema = Schema(typeof(ErrorResponse));
        if (schema["properties"]?["error"]?["properties"]?["code"] is JsonObject code)
        {
            code["enum"] = new JsonArray([.. ApiErrors.Codes.Select(c => (JsonNode)c)]);
        }

        return schema;
    }

    private static JsonObject Json(JsonNode schema) => new() { ["application/json"] = new JsonObject { ["schema"] = schema } };

    private static JsonObject Schema(Type type) =>
        (JsonObject)ApiJson.Options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex PathParameter();
}
