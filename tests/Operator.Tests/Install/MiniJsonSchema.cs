using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Operator.Tests.Install;

/// <summary>
/// A JSON-schema checker for the subset values.schema.json uses: type (one or a list), properties, required,
/// additionalProperties (false or a schema), items, minItems, enum, pattern, minLength, maxLength, minimum, maximum.
/// Any other keyword is refused, so the schema cannot silently use something this checker ignores.
/// </summary>
internal static class MiniJsonSchema
{
    private static readonly HashSet<string> Known =
    [
        "$schema", "title", "description", "type", "properties", "required", "additionalProperties", "items", "enum",
        "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems",
    ];

    /// <summary>Errors as <c>path: problem</c>; empty when <paramref name="value"/> is valid.</summary>
    public static IReadOnlyList<string> Validate(JsonNode schema, JsonNode? value)
    {
        var errors = new List<string>();
        Check(schema.AsObject(), value, "", errors);
        return errors;
    }

    private static void Check(JsonObject schema, JsonNode? value, string path, List<string> errors)
    {
        var where = path.Length == 0 ? "(root)" : path;
        foreach (var keyword in schema.Select(p => p.Key).Where(k => !Known.Contains(k)))
        {
            throw new NotSupportedException($"{where}: schema keyword '{keyword}' is not supported by {nameof(MiniJsonSchema)}");
        }

        if (schema["type"] is { } type)
        {
            var allowed = type is JsonArray many ? many.Select(t => t!.GetValue<string>()).ToList() : [type.GetValue<string>()];
            var actual = TypeOf(value);
            if (!allowed.Contains(actual) && !(actual == "integer" && allowed.Contains("number")))
            {
                errors.Add($"{where}: expected {string.Join(" or ", allowed)}, found {actual}");
                return;
            }
        }

        if (schema["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, value)))
        {
            errors.Add($"{where}: '{value}' is not one of {options.ToJsonString()}");
        }

        if (value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String)
        {
            var text = scalar.GetValue<string>();
            if (schema["pattern"] is { } pattern && !Regex.IsMatch(text, pattern.GetValue<string>()))
            {
                errors.Add($"{where}: '{text}' does not match {pattern}");
            }

            if (schema["minLength"] is { } min && text.Length < Number(min))
            {
                errors.Add($"{where}: shorter than {min}");
            }

            if (schema["maxLength"] is { } max && text.Length > Number(max))
            {
                errors.Add($"{where}: longer than {max}");
            }
        }

        if (value is JsonValue number && number.GetValueKind() == JsonValueKind.Number)
        {
            var n = Number(number);
            if (schema["minimum"] is { } min && n < Number(min))
            {
                errors.Add($"{where}: {n} is below {min}");
            }

            if (schema["maximum"] is { } max && n > Number(max))
            {
                errors.Add($"{where}: {n} is above {max}");
            }
        }

        if (value is JsonObject obj)
        {
            var properties = schema["properties"]?.AsObject();
            foreach (var name in schema["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
            {
                if (!obj.ContainsKey(name))
                {
                    errors.Add($"{where}: '{name}' is required");
                }
            }

            foreach (var (name, child) in obj)
            {
                var childPath = path.Length == 0 ? name : $"{path}.{name}";
                if (properties?[name] is JsonObject childSchema)
                {
                    Check(childSchema, child, childPath, errors);
                }
                else if (schema["additionalProperties"] is JsonObject extra)
                {
                    Check(extra, child, childPath, errors);
                }
                else if (schema["additionalProperties"] is JsonValue allowed && !allowed.GetValue<bool>())
                {
                    errors.Add($"{childPath}: unknown value (not in values.schema.json)");
                }
            }
        }

        if (value is JsonArray list && schema["minItems"] is { } fewest && list.Count < Number(fewest))
        {
            errors.Add($"{where}: fewer than {fewest} items");
        }

        if (value is JsonArray array && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(items, array[i], $"{path}[{i}]", errors);
            }
        }
    }

    private static double Number(JsonNode node) => double.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private static string TypeOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => Number(v) == Math.Floor(Number(v)) ? "integer" : "number",
            _ => "null",
        },
        _ => "unknown",
    };
}
