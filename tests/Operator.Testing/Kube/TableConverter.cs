using System.Globalization;
using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>Server-side printing: the meta.k8s.io/v1 Table that kubectl asks for.</summary>
internal static class TableConverter
{
    public static bool Wants(string? accept) =>
        accept is not null && accept.Contains("as=Table", StringComparison.Ordinal);

    public static JsonObject Convert(ResourceType type, IEnumerable<JsonObject> items, string? resourceVersion, string? includeObject, DateTimeOffset now)
    {
        if (BuiltInTables.For(type) is var (printed, cellsOf))
        {
            return Table(printed, items.Select(o => (o, cellsOf(o, now))), resourceVersion, includeObject);
        }

        var columns = type.IsCustom || type.PrinterColumns.Count > 0
            ? type.PrinterColumns
            : [new PrinterColumn("Age", "date", ".metadata.creationTimestamp", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0, null)];
        var definitions = new JsonArray(new JsonObject
        {
            ["name"] = "Name",
            ["type"] = "string",
            ["format"] = "name",
            ["description"] = "Name must be unique within a namespace.",
            ["priority"] = 0,
        });
        foreach (var column in columns)
        {
            definitions.Add(new JsonObject
            {
                ["name"] = column.Name,
                ["type"] = column.Type,
                ["format"] = column.Format ?? "",
                ["description"] = column.Description,
                ["priority"] = column.Priority,
            });
        }

        return Table(definitions, items.Select(item => (item, new JsonArray([JsonValue.Create(Meta.Name(item)), .. columns.Select(c => Cell(c, JsonPathLite.Evaluate(item, c.JsonPath), now))]))), resourceVersion, includeObject);
    }

    private static JsonObject Table(JsonArray definitions, IEnumerable<(JsonObject Item, JsonArray Cells)> items, string? resourceVersion, string? includeObject)
    {
        var rows = new JsonArray();
        foreach (var (item, cells) in items)
        {
            var row = new JsonObject { ["cells"] = cells };
            if (includeObject != "None")
            {
                row["object"] = includeObject == "Object"
                    ? item.DeepClone()
                    : new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = item["metadata"]?.DeepClone(),
                    };
            }

            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["columnDefinitions"] = definitions,
            ["rows"] = rows,
        };
    }

    private static JsonNode? Cell(PrinterColumn column, JsonNode? value, DateTimeOffset now)
    {
        if (value is null)
        {
            return null;
        }

        if (column.Type == "date" && DateTimeOffset.TryParse(value.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return HumanDuration(now - at);
        }

        return value is JsonValue ? value.DeepClone() : value.ToJsonString();
    }

    /// <summary>Ages as kube-apiserver prints them (apimachinery's duration.HumanDuration): 5s, 3m20s, 4h, 2d3h, 1y30d.</summary>
    public static string HumanDuration(TimeSpan age)
    {
        var seconds = (long)age.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 120)
        {
            return $"{Math.Max(seconds, 0)}s";
        }

        var minutes = (long)age.TotalMinutes;
        var hours = (long)age.TotalHours;
        var days = hours / 24;
        return (minutes, hours) switch
        {
            (< 10, _) => seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s",
            (< 180, _) => $"{minutes}m",
            (_, < 8) => minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m",
            (_, < 48) => $"{hours}h",
            (_, < 24 * 8) => hours % 24 == 0 ? $"{days}d" : $"{days}d{hours % 24}h",
            (_, < 24 * 365 * 2) => $"{days}d",
            (_, < 24 * 365 * 8) => days % 365 == 0 ? $"{days / 365}y" : $"{days / 365}y{days % 365}d",
            _ => $"{days / 365}y",
        };
    }
}

/// <summary>The JSONPath subset printer columns use: <c>.a.b</c>, <c>[0]</c> and <c>[?(@.type=="Ready")]</c>.</summary>
internal static class JsonPathLite
{
    public static JsonNode? Evaluate(JsonNode root, string path)
    {
        var text = path.Trim().TrimStart('{').TrimEnd('}').TrimStart('$');
        JsonNode? current = root;
        var i = 0;
        while (i < text.Length && current is not null)
        {
            if (text[i] == '.')
            {
                var end = i + 1;
                while (end < text.Length && text[end] != '.' && text[end] != '[')
                {
                    end++;
                }

                current = (current as JsonObject)?[text[(i + 1)..end]];
                i = end;
            }
            else if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                if (end < 0)
                {
                    return null;
                }

                current = Index(current, text[(i + 1)..end]);
                i = end + 1;
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    private static JsonNode? Index(JsonNode current, string expression)
    {
        if (current is not JsonArray array)
        {
            return null;
        }

        if (int.TryParse(expression, CultureInfo.InvariantCulture, out var index))
        {
            return index >= 0 && index < array.Count ? array[index] : null;
        }

        if (expression.StartsWith("?(@.", StringComparison.Ordinal) && expression.EndsWith(')'))
        {
            var condition = expression[4..^1];
            var eq = condition.IndexOf("==", StringComparison.Ordinal);
            if (eq < 0)
            {
                return null;
            }

            var key = condition[..eq].Trim();
            var expected = condition[(eq + 2)..].Trim().Trim('"', '\'');
            return array.OfType<JsonObject>().FirstOrDefault(e => Evaluate(e, "." + key)?.ToString() == expected);
        }

        return null;
    }
}
