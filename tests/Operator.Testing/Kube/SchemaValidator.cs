using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Operator.Testing.Kube.Validation;

namespace Operator.Testing.Kube;

/// <summary>
/// Structural-schema handling for custom objects, in the API server's order: prune unknown fields, apply defaults,
/// then validate.
/// </summary>
internal static class SchemaValidator
{
    private static readonly string[] RootFields = ["apiVersion", "kind", "metadata"];

    /// <summary>Compiled schema patterns. kube-apiserver matches with Go's RE2, in linear time and without a timeout;
    /// <see cref="RegexOptions.NonBacktracking"/> is .NET's equivalent (a backtracking engine's timeout under load was a 500).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    /// <summary>Prunes the fields the schema does not know (reporting each path to <paramref name="unknown"/>), then defaults.</summary>
    public static void PruneAndDefault(JsonObject schema, JsonObject obj, Action<string> unknown)
    {
        var properties = schema["properties"] as JsonObject;
        foreach (var (key, value) in obj.ToList())
        {
            if (RootFields.Contains(key))
            {
                continue;
            }

            if (properties?[key] is JsonObject propertySchema)
            {
                PruneProperty(obj, key, value, propertySchema, key, unknown);
            }
            else if (!PreservesUnknown(schema))
            {
                obj.Remove(key);
                unknown(key);
            }
        }

        ApplyDefaults(obj, schema);
    }

    /// <summary>Validates a pruned and defaulted object against its schema.</summary>
    public static List<FieldError> Validate(JsonObject schema, JsonObject obj)
    {
        var properties = schema["properties"] as JsonObject;
        var errors = new List<FieldError>();
        foreach (var (key, value) in obj.ToList())
        {
            if (!RootFields.Contains(key) && properties?[key] is JsonObject propertySchema)
            {
                Validate(value, propertySchema, key, errors);
            }
        }

        foreach (var required in Strings(schema["required"]).Where(r => !RootFields.Contains(r) && !obj.ContainsKey(r)))
        {
            errors.Add(FieldError.Required(required));
        }

        return errors;
    }

    private static bool PreservesUnknown(JsonObject schema) =>
        schema["x-kubernetes-preserve-unknown-fields"]?.GetValueKind() == JsonValueKind.True;

    private static void Prune(JsonNode? node, JsonObject schema, string path, Action<string> unknown)
    {
        switch (node)
        {
            case JsonObject obj:
                var properties = schema["properties"] as JsonObject;
                var additional = schema["additionalProperties"];
                foreach (var (key, value) in obj.ToList())
                {
                    var childPath = $"{path}.{key}";
                    if (properties?[key] is JsonObject propertySchema)
                    {
                        PruneProperty(obj, key, value, propertySchema, childPath, unknown);
                    }
                    else if (additional is JsonObject additionalSchema)
                    {
                        PruneProperty(obj, key, value, additionalSchema, childPath, unknown);
                    }
                    else if (additional?.GetValueKind() != JsonValueKind.True && !PreservesUnknown(schema))
                    {
                        obj.Remove(key);
                        unknown(childPath);
                    }
                }

                break;
            case JsonArray array when schema["items"] is JsonObject itemSchema:
                for (var i = 0; i < array.Count; i++)
                {
                    Prune(array[i], itemSchema, $"{path}[{i}]", unknown);
                }

                break;
        }
    }

    // Like the real server, a null for a field that is not nullable is dropped (and may then be defaulted).
    private static void PruneProperty(JsonObject parent, string key, JsonNode? value, JsonObject schema, string path, Action<string> unknown)
    {
        if (value is null && schema["nullable"]?.GetValueKind() != JsonValueKind.True)
        {
            parent.Remove(key);
            return;
        }

        Prune(value, schema, path, unknown);
    }

    private static void ApplyDefaults(JsonNode? node, JsonObject schema)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, propertySchema) in (schema["properties"] as JsonObject)?.ToList() ?? [])
                {
                    if (propertySchema is not JsonObject ps)
                    {
                        continue;
                    }

                    if (!obj.ContainsKey(key) && ps["default"] is { } defaultValue)
                    {
                        obj[key] = defaultValue.DeepClone();
                    }

                    ApplyDefaults(obj[key], ps);
                }

                if (schema["additionalProperties"] is JsonObject additional)
                {
                    var known = (schema["properties"] as JsonObject)?.Select(p => p.Key).ToHashSet() ?? [];
                    foreach (var (key, value) in obj.ToList().Where(p => !known.Contains(p.Key)))
                    {
                        ApplyDefaults(value, additional);
                    }
                }

                break;
            case JsonArray array when schema["items"] is JsonObject itemSchema:
                foreach (var item in array)
                {
                    ApplyDefaults(item, itemSchema);
                }

                break;
        }
    }

    private static void Validate(JsonNode? node, JsonObject schema, string path, List<FieldError> errors)
    {
        var type = (string?)schema["type"];
        if (node is null)
        {
            if (schema["nullable"]?.GetValueKind() != JsonValueKind.True && type is not null)
            {
                errors.Add(FieldError.InvalidValue(path, JsonValue.Create("null"), $"{path} in body must be of type {type}: \"null\""));
            }

            return;
        }

        var actual = TypeName(node);
        var intOrString = schema["x-kubernetes-int-or-string"]?.GetValueKind() == JsonValueKind.True;
        if (intOrString ? actual is not ("integer" or "string") : type is not null && actual != type && !(type == "number" && actual == "integer"))
        {
            errors.Add(FieldError.InvalidValue(path, JsonValue.Create(actual), $"{path} in body must be of type {(intOrString ? "integer or string" : type)}: \"{actual}\""));
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, node)))
        {
            errors.Add(FieldError.NotSupported(path, node, allowed.Select(a => a?.ToJsonString() ?? "null")));
        }

        switch (node)
        {
            case JsonObject obj:
                ValidateObject(obj, schema, path, errors);
                break;
            case JsonArray array:
                ValidateArray(array, schema, path, errors);
                break;
            default:
                ValidateScalar((JsonValue)node, schema, path, errors);
                break;
        }

        ValidateCombinators(node, schema, path, errors);
    }

    private static void ValidateObject(JsonObject obj, JsonObject schema, string path, List<FieldError> errors)
    {
        foreach (var required in Strings(schema["required"]).Where(r => !obj.ContainsKey(r)))
        {
            errors.Add(FieldError.Required($"{path}.{required}"));
        }

        var properties = schema["properties"] as JsonObject;
        foreach (var (key, value) in obj)
        {
            if (properties?[key] is JsonObject propertySchema)
            {
                Validate(value, propertySchema, $"{path}.{key}", errors);
            }
            else if (schema["additionalProperties"] is JsonObject additional)
            {
                Validate(value, additional, $"{path}.{key}", errors);
            }
        }

        if (Number(schema["minProperties"]) is { } min && obj.Count < min)
        {
            errors.Add(FieldError.InvalidValue(path, obj.Count, $"{path} in body should have at least {min} properties"));
        }

        if (Number(schema["maxProperties"]) is { } max && obj.Count > max)
        {
            errors.Add(FieldError.InvalidValue(path, obj.Count, $"{path} in body should have at most {max} properties"));
        }
    }

    private static void ValidateArray(JsonArray array, JsonObject schema, string path, List<FieldError> errors)
    {
        if (Number(schema["minItems"]) is { } min && array.Count < min)
        {
            errors.Add(FieldError.InvalidValue(path, array.Count, $"{path} in body should have at least {min} items"));
        }

        if (Number(schema["maxItems"]) is { } max && array.Count > max)
        {
            errors.Add(new FieldError(path, "FieldValueTooMany", $"Too many: {array.Count}: must have at most {max} items"));
        }

        if (schema["items"] is JsonObject itemSchema)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Validate(array[i], itemSchema, $"{path}[{i}]", errors);
            }
        }

        ListMaps.Validate(array, schema, path, errors);
    }

    private static void ValidateScalar(JsonValue value, JsonObject schema, string path, List<FieldError> errors)
    {
        if (value.GetValueKind() == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            var length = new StringInfo(text).LengthInTextElements;
            if (Number(schema["minLength"]) is { } minLength && length < minLength)
            {
                errors.Add(FieldError.InvalidValue(path, value, $"{path} in body should be at least {minLength} chars long"));
            }

            if (Number(schema["maxLength"]) is { } maxLength && length > maxLength)
            {
                errors.Add(new FieldError(path, "FieldValueTooLong", $"Too long: may not be more than {maxLength} bytes"));
            }

            if ((string?)schema["pattern"] is { } pattern && !Pattern(pattern).IsMatch(text))
            {
                errors.Add(FieldError.InvalidValue(path, value, $"{path} in body should match '{pattern}'"));
            }

            if ((string?)schema["format"] == "date-time" && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                errors.Add(FieldError.InvalidValue(path, value, $"{path} in body must be of type date-time: \"{text}\""));
            }
        }
        else if (value.GetValueKind() == JsonValueKind.Number)
        {
            var number = value.GetValue<double>();
            var exclusiveMin = schema["exclusiveMinimum"]?.GetValueKind() == JsonValueKind.True;
            var exclusiveMax = schema["exclusiveMaximum"]?.GetValueKind() == JsonValueKind.True;
            if (Number(schema["minimum"]) is { } min && (exclusiveMin ? number <= min : number < min))
            {
                errors.Add(FieldError.InvalidValue(path, value, $"{path} in body should be greater than {(exclusiveMin ? "" : "or equal to ")}{Show(min)}"));
            }

            if (Number(schema["maximum"]) is { } max && (exclusiveMax ? number >= max : number > max))
            {
                errors.Add(FieldError.InvalidValue(path, value, $"{path} in body should be less than {(exclusiveMax ? "" : "or equal to ")}{Show(max)}"));
            }
        }
    }

    private static void ValidateCombinators(JsonNode node, JsonObject schema, string path, List<FieldError> errors)
    {
        var shown = JsonValue.Create(TypeName(node));
        if (schema["oneOf"] is JsonArray oneOf && oneOf.OfType<JsonObject>().Count(s => Passes(node, s, path)) != 1)
        {
            errors.Add(FieldError.InvalidValue(path, shown, $"{path} in body must validate one and only one schema (oneOf)"));
        }

        if (schema["anyOf"] is JsonArray anyOf && !anyOf.OfType<JsonObject>().Any(s => Passes(node, s, path)))
        {
            errors.Add(FieldError.InvalidValue(path, shown, $"{path} in body must validate at least one schema (anyOf)"));
        }

        if (schema["allOf"] is JsonArray allOf)
        {
            foreach (var sub in allOf.OfType<JsonObject>())
            {
                Validate(node, sub, path, errors);
            }
        }

        if (schema["not"] is JsonObject not && Passes(node, not, path))
        {
            errors.Add(FieldError.InvalidValue(path, shown, $"{path} in body must not validate the schema (not)"));
        }
    }

    private static bool Passes(JsonNode node, JsonObject schema, string path)
    {
        var errors = new List<FieldError>();
        Validate(node, schema, path, errors);
        return errors.Count == 0;
    }

    private static string TypeName(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => node.AsValue().TryGetValue<long>(out _) || IsWhole(node.AsValue()) ? "integer" : "number",
        _ => "null",
    };

    private static bool IsWhole(JsonValue value) => value.TryGetValue<double>(out var d) && Math.Abs(d % 1) < double.Epsilon && !value.ToJsonString().Contains('.', StringComparison.Ordinal);

    private static double? Number(JsonNode? node) => node?.GetValueKind() == JsonValueKind.Number ? node.GetValue<double>() : null;

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<string> Strings(JsonNode? node) => (node as JsonArray)?.Select(n => (string?)n ?? "") ?? [];

    private static Regex Pattern(string pattern) =>
        Patterns.GetOrAdd(pattern, p => new Regex(p, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant));
}
