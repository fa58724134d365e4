using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Operator.Tests.Install.Helm;

/// <summary>
/// Converts between chart values and their CLR form, and writes <c>toYaml</c> output as Helm's sigs.k8s.io/yaml does
/// in substance: map keys sorted, block style, scalars that read back as the same values.
/// </summary>
internal static partial class TemplateYaml
{
    /// <summary>A JSON value as template data: dictionaries, lists, strings, doubles (as Helm's numbers), booleans, null.</summary>
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonArray a => a.Select(FromJson).ToList(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        JsonValue v => double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture),
        _ => throw new TemplateException($"unexpected JSON {node}"),
    };

    public static string Write(object? value)
    {
        var output = new StringBuilder();
        switch (value)
        {
            case Dictionary<string, object?> { Count: > 0 } or List<object?> { Count: > 0 }:
                Block(value, 0, output);
                break;
            default:
                output.Append(Scalar(value)).Append('\n');
                break;
        }

        return output.ToString();
    }

    private static void Block(object? value, int indent, StringBuilder output)
    {
        var pad = new string(' ', indent);
        if (value is Dictionary<string, object?> map)
        {
            foreach (var (key, child) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                output.Append(pad).Append(Key(key)).Append(':');
                Child(child, indent + 2, indent, output);
            }
        }
        else if (value is List<object?> list)
        {
            foreach (var item in list)
            {
                output.Append(pad).Append('-');
                if (item is Dictionary<string, object?> { Count: > 0 } or List<object?> { Count: > 0 })
                {
                    // The first line of the item goes on the dash's line.
                    var nested = new StringBuilder();
                    Block(item, indent + 2, nested);
                    output.Append(' ').Append(nested.ToString()[(indent + 2)..]);
                }
                else
                {
                    output.Append(' ').Append(Scalar(item)).Append('\n');
                }
            }
        }
    }

    private static void Child(object? child, int indent, int listIndent, StringBuilder output)
    {
        switch (child)
        {
            case Dictionary<string, object?> { Count: > 0 }:
                output.Append('\n');
                Block(child, indent, output);
                break;
            case List<object?> { Count: > 0 }:
                output.Append('\n');
                Block(child, listIndent, output);
                break;
            default:
                output.Append(' ').Append(Scalar(child)).Append('\n');
                break;
        }
    }

    private static string Key(string key) => PlainKey().IsMatch(key) ? key : JsonSerializer.Serialize(key);

    private static string Scalar(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        long n => n.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s when PlainScalar().IsMatch(s) && !Reserved.Contains(s.ToLowerInvariant()) => s,
        string s => JsonSerializer.Serialize(s),
        Dictionary<string, object?> => "{}",
        List<object?> => "[]",
        _ => throw new TemplateException($"toYaml cannot write {value.GetType().Name}"),
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_./-]*$")]
    private static partial Regex PlainKey();

    // Words YAML would read as something other than a string.
    private static readonly HashSet<string> Reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"];

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_./-]*$")]
    private static partial Regex PlainScalar();
}
