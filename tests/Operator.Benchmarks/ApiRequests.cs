using Operator.Testing.Kube;

namespace Operator.Benchmarks;

/// <summary>Groups the API emulator's request log by verb and resource (<c>update secretgroups/status</c>).</summary>
internal static class ApiRequests
{
    public static SortedDictionary<string, int> ByVerb(IEnumerable<RecordedRequest> requests)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in requests)
        {
            var label = Label(r);
            counts[label] = counts.GetValueOrDefault(label) + 1;
        }

        return counts;
    }

    /// <summary>Creates, updates and patches of Secrets: what the unchanged pass must not do.</summary>
    public static int SecretWrites(IEnumerable<RecordedRequest> requests) =>
        requests.Count(r => r.Method is "POST" or "PUT" or "PATCH" && Resource(r.Path).Plural == "secrets");

    private static string Label(RecordedRequest r)
    {
        var (plural, name, sub) = Resource(r.Path);
        var verb = r.Method switch
        {
            "GET" when r.Query.Contains("watch=true", StringComparison.Ordinal) || r.Query.Contains("watch=1", StringComparison.Ordinal) => "watch",
            "GET" => name is null ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "delete",
            _ => r.Method.ToLowerInvariant(),
        };
        var label = sub is null ? $"{verb} {plural}" : $"{verb} {plural}/{sub}";
        return r.StatusCode is >= 200 and < 300 ? label : $"{label} ({r.StatusCode})";
    }

    private static (string Plural, string? Name, string? Sub) Resource(string path)
    {
        var s = path.Trim('/').Split('/');
        var start = s.Length > 0 && s[0] == "api" ? 2 : 3;
        if (s.Length <= start)
        {
            return (path, null, null);
        }

        var rest = s[start..];
        if (rest[0] == "namespaces" && rest.Length >= 3)
        {
            rest = rest[2..];
        }

        return (rest[0], rest.Length > 1 ? rest[1] : null, rest.Length > 2 ? rest[2] : null);
    }
}
