using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>Label selectors (=, ==, !=, in, notin, exists, !exists) and the metadata.name/namespace field selectors.</summary>
internal static class Selectors
{
    public static Func<JsonObject, bool> Parse(string? labelSelector, string? fieldSelector)
    {
        var labels = ParseLabels(labelSelector ?? "");
        var fields = ParseFields(fieldSelector ?? "");
        return obj =>
        {
            var objectLabels = Meta.Labels(obj);
            return labels.All(r => r(objectLabels)) && fields.All(r => r(obj));
        };
    }

    private static List<Func<Dictionary<string, string>, bool>> ParseLabels(string selector)
    {
        var requirements = new List<Func<Dictionary<string, string>, bool>>();
        foreach (var raw in SplitTopLevel(selector))
        {
            var term = raw.Trim();
            if (term.Length == 0)
            {
                continue;
            }

            var words = term.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (words.Length == 2 && (words[1].StartsWith("in", StringComparison.Ordinal) || words[1].StartsWith("notin", StringComparison.Ordinal)) && words[1].Contains('(', StringComparison.Ordinal))
            {
                var key = words[0];
                var negate = words[1].StartsWith("notin", StringComparison.Ordinal);
                var open = words[1].IndexOf('(', StringComparison.Ordinal);
                var values = words[1][(open + 1)..].TrimEnd(')').Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                requirements.Add(negate
                    ? l => !l.TryGetValue(key, out var v) || !values.Contains(v)
                    : l => l.TryGetValue(key, out var v) && values.Contains(v));
            }
            else if (term.Contains("!=", StringComparison.Ordinal))
            {
                var (key, value) = Split(term, "!=");
                requirements.Add(l => !l.TryGetValue(key, out var v) || v != value);
            }
            else if (term.Contains("==", StringComparison.Ordinal))
            {
                var (key, value) = Split(term, "==");
                requirements.Add(l => l.TryGetValue(key, out var v) && v == value);
            }
            else if (term.Contains('=', StringComparison.Ordinal))
            {
                var (key, value) = Split(term, "=");
                requirements.Add(l => l.TryGetValue(key, out var v) && v == value);
            }
            else if (term.StartsWith('!'))
            {
                var key = term[1..].Trim();
                requirements.Add(l => !l.ContainsKey(key));
            }
            else
            {
                requirements.Add(l => l.ContainsKey(term));
            }
        }

        return requirements;
    }

    private static List<Func<JsonObject, bool>> ParseFields(string selector)
    {
        var requirements = new List<Func<JsonObject, bool>>();
        foreach (var term in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var negate = term.Contains("!=", StringComparison.Ordinal);
            var (key, value) = Split(term, negate ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=");
            Func<JsonObject, string> read = key switch
            {
                "metadata.name" => Meta.Name,
                "metadata.namespace" => Meta.Namespace,
                _ => o => ReadPath(o, key),
            };
            requirements.Add(negate ? o => read(o) != value : o => read(o) == value);
        }

        return requirements;
    }

    // Other fields (e.g. type for Secrets, involvedObject.name for Events) are read by dotted path.
    private static string ReadPath(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node?.ToString() ?? "";
    }

    private static (string Key, string Value) Split(string term, string op)
    {
        var index = term.IndexOf(op, StringComparison.Ordinal);
        return (term[..index].Trim(), term[(index + op.Length)..].Trim());
    }

    private static IEnumerable<string> SplitTopLevel(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            depth += selector[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (selector[i] == ',' && depth == 0)
            {
                yield return selector[start..i];
                start = i + 1;
            }
        }

        yield return selector[start..];
    }
}
