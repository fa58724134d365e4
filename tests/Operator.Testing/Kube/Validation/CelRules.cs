using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cel;

namespace Operator.Testing.Kube.Validation;

/// <summary>
/// Evaluates <c>x-kubernetes-validations</c> as apiextensions-apiserver does (schema/cel/validation.go): each rule
/// with <c>self</c> bound to the value at its schema node (rules on absent fields are not run), <c>oldSelf</c> to the
/// stored value on updates (transition rules are skipped when there is none), a failure reported at the node (or at
/// <c>fieldPath</c>) with the rule's <c>message</c>, <c>messageExpression</c> or "failed rule: ...", shaped by
/// <c>reason</c>. Like validation ratcheting, a rule that fails on a value the update did not change is not reported.
/// CEL is the Cel package (cel-spec core, with has() on maps mended below); Kubernetes' extra libraries (quantity,
/// url, ip, ...) are not there.
/// </summary>
internal static partial class CelRules
{
    private static readonly CelEnvironment Environment = new(null, null);
    private static readonly ConcurrentDictionary<string, CelProgramDelegate> Programs = new(StringComparer.Ordinal);

    /// <summary>Runs every rule of <paramref name="schema"/> over <paramref name="obj"/>; <paramref name="old"/> is the stored object on updates.</summary>
    public static void Validate(JsonObject schema, JsonObject obj, JsonObject? old, List<FieldError> errors) =>
        Walk(obj, schema, old, "<nil>", errors);

    /// <summary>The compile error of a rule, or null when it compiles (a CRD with a rule that does not is refused).</summary>
    public static string? CompileError(string rule)
    {
        try
        {
            Compile(rule);
            return null;
        }
        catch (CelException e)
        {
            return e.Message;
        }
    }

    private static void Walk(JsonNode? node, JsonObject schema, JsonNode? old, string path, List<FieldError> errors)
    {
        if (node is null)
        {
            return;
        }

        foreach (var rule in (schema["x-kubernetes-validations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            Check(rule, node, schema, old, path, errors);
        }

        var child = (string key) => path == "<nil>" ? key : $"{path}.{key}";
        switch (node)
        {
            case JsonObject obj:
                var properties = schema["properties"] as JsonObject;
                foreach (var (key, value) in obj)
                {
                    if ((properties?[key] ?? schema["additionalProperties"]) is JsonObject propertySchema)
                    {
                        Walk(value, propertySchema, (old as JsonObject)?[key], child(key), errors);
                    }
                }

                break;
            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], items, ListMaps.Correlate(schema, array[i], old as JsonArray), $"{path}[{i}]", errors);
                }

                break;
        }
    }

    private static void Check(JsonObject rule, JsonNode node, JsonObject schema, JsonNode? old, string path, List<FieldError> errors)
    {
        var text = (string?)rule["rule"] ?? "";
        var transition = OldSelf().IsMatch(text);
        if (transition && old is null && rule["optionalOldSelf"]?.GetValueKind() != JsonValueKind.True)
        {
            return;
        }

        if (!transition && old is not null && JsonNode.DeepEquals(node, old))
        {
            return; // ratcheting: an unchanged value keeps passing
        }

        var variables = new Dictionary<string, object?> { ["self"] = ToCel(node), ["oldSelf"] = ToCel(old) };
        var result = Evaluate(text, variables);
        if (result is true)
        {
            return;
        }

        var message = result is bool
            ? MessageOf(rule, variables, text)
            : $"{(string?)rule["message"] ?? $"failed rule: {text}"}: {Describe(result)}";
        var field = (string?)rule["fieldPath"] is { Length: > 0 } fieldPath ? (path == "<nil>" ? fieldPath.TrimStart('.') : path + (fieldPath.StartsWith('[') ? "" : ".") + fieldPath.TrimStart('.')) : path;
        var type = JsonValue.Create((string?)schema["type"] ?? "object");
        errors.Add((string?)rule["reason"] switch
        {
            "FieldValueForbidden" => new FieldError(field, "FieldValueForbidden", $"Forbidden: {message}"),
            "FieldValueRequired" => new FieldError(field, "FieldValueRequired", $"Required value: {message}"),
            "FieldValueDuplicate" => new FieldError(field, "FieldValueDuplicate", $"Duplicate value: {FieldError.Show(type)}"),
            _ => FieldError.InvalidValue(field, type, message),
        });
    }

    // messageExpression wins when it yields a non-empty string; otherwise message, else the rule itself.
    private static string MessageOf(JsonObject rule, Dictionary<string, object?> variables, string text)
    {
        if ((string?)rule["messageExpression"] is { Length: > 0 } expression && Evaluate(expression, variables) is string { Length: > 0 } computed)
        {
            return computed;
        }

        return (string?)rule["message"] is { Length: > 0 } message ? message : $"failed rule: {text}";
    }

    private static object? Evaluate(string expression, Dictionary<string, object?> variables)
    {
        try
        {
            return Compile(expression)(variables!);
        }
        catch (CelException e)
        {
            return e;
        }
    }

    private static CelProgramDelegate Compile(string expression) => Programs.GetOrAdd(expression, e => Environment.Compile(PresenceAsKeyTest(e)));

    // Cel 0.3.3 answers has(x.f) with proto3 presence, so an empty object, list or string counts as absent; for a map
    // (every JSON object is one) cel-spec defines has(x.f) as "x has the key f", which is what `'f' in x` tests.
    private static string PresenceAsKeyTest(string expression) =>
        HasSelect().Replace(expression, m => $"('{m.Groups["field"].Value}' in {m.Groups["target"].Value})");

    private static string Describe(object? result) => result switch
    {
        CelException e => e.Message,
        null => "no such key",
        _ when result.GetType().Name.Contains("NoSuchField", StringComparison.Ordinal) => "no such key",
        _ => $"rule did not evaluate to a bool: {result}",
    };

    /// <summary>JSON as CEL sees it: maps, lists, int (64-bit), double, string, bool, null.</summary>
    private static object? ToCel(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToCel(p.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(ToCel).ToList(),
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => node.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => long.TryParse(node.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole)
                ? whole
                : double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture),
            _ => null,
        },
    };

    [GeneratedRegex(@"\boldSelf\b")]
    private static partial Regex OldSelf();

    [GeneratedRegex(@"\bhas\(\s*(?<target>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\.(?<field>[A-Za-z_][A-Za-z0-9_]*)\s*\)")]
    private static partial Regex HasSelect();
}
