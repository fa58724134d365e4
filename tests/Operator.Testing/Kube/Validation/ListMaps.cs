using System.Text.Json;
using System.Text.Json.Nodes;

namespace Operator.Testing.Kube.Validation;

/// <summary>
/// <c>x-kubernetes-list-type: map</c> (items unique by <c>x-kubernetes-list-map-keys</c>) and <c>set</c> (items
/// unique), as apiextensions-apiserver's listtype validation reports them: the second occurrence of each repeated
/// key or value is a "Duplicate value", printed as Go's %#v prints it.
/// </summary>
internal static class ListMaps
{
    public static void Validate(JsonArray array, JsonObject schema, string path, List<FieldError> errors)
    {
        switch ((string?)schema["x-kubernetes-list-type"])
        {
            case "set":
                foreach (var i in RepeatedAt(array.Select(item => item?.ToJsonString() ?? "null").ToList()))
                {
                    errors.Add(new FieldError($"{path}[{i}]", "FieldValueDuplicate", $"Duplicate value: {GoValue(array[i])}"));
                }

                break;
            case "map":
                var keys = Keys(schema);
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is not (null or JsonObject))
                    {
                        errors.Add(FieldError.InvalidValue($"{path}[{i}]", array[i], "must be an object for an array of list-type map"));
                        return;
                    }
                }

                var keyObjects = array.Select(item => KeyOf(item as JsonObject, keys)).ToList();
                foreach (var i in RepeatedAt(keyObjects.Select(k => k.ToJsonString()).ToList()))
                {
                    errors.Add(new FieldError($"{path}[{i}]", "FieldValueDuplicate", $"Duplicate value: {GoValue(keyObjects[i])}"));
                }

                break;
        }
    }

    /// <summary>The stored item a new item of a list-type map stands for (same keys), for transition rules.</summary>
    public static JsonNode? Correlate(JsonObject schema, JsonNode? item, JsonArray? old)
    {
        if (old is null || (string?)schema["x-kubernetes-list-type"] != "map" || item is not JsonObject obj)
        {
            return null;
        }

        var keys = Keys(schema);
        var key = KeyOf(obj, keys);
        return old.FirstOrDefault(o => o is JsonObject stored && JsonNode.DeepEquals(KeyOf(stored, keys), key));
    }

    private static List<string> Keys(JsonObject schema) =>
        (schema["x-kubernetes-list-map-keys"] as JsonArray ?? []).Select(k => (string?)k ?? "").ToList();

    private static JsonObject KeyOf(JsonObject? item, List<string> keys)
    {
        var key = new JsonObject();
        foreach (var name in keys.Where(k => item?.ContainsKey(k) == true))
        {
            key[name] = item![name]?.DeepClone();
        }

        return key;
    }

    // Only the second occurrence of each value is reported (listtype.validateListSet).
    private static IEnumerable<int> RepeatedAt(List<string> values)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            seen[values[i]] = seen.GetValueOrDefault(values[i]) + 1;
            if (seen[values[i]] == 2)
            {
                yield return i;
            }
        }
    }

    /// <summary>A JSON value as Go's %#v prints the unstructured value: "a", 80, true, map[string]interface {}{"key":"a"}.</summary>
    private static string GoValue(JsonNode? value) => value switch
    {
        null => "<nil>",
        JsonObject obj => "map[string]interface {}{" + string.Join(", ", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":{GoValue(p.Value)}")) + "}",
        JsonArray array => "[]interface {}{" + string.Join(", ", array.Select(GoValue)) + "}",
        _ when value.GetValueKind() == JsonValueKind.String => JsonSerializer.Serialize(value.GetValue<string>()),
        _ => value.ToJsonString(),
    };
}
