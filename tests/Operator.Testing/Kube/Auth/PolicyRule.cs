using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>
/// One rbac.authorization.k8s.io/v1 PolicyRule, matched as plugin/pkg/auth/authorizer/rbac (RuleAllows) and
/// covered as pkg/registry/rbac/validation (Covers, used by escalation prevention) do.
/// </summary>
internal sealed record PolicyRule(
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls)
{
    private const string All = "*";

    public static PolicyRule Parse(JsonNode? rule) => new(
        Strings(rule?["verbs"]), Strings(rule?["apiGroups"]), Strings(rule?["resources"]), Strings(rule?["resourceNames"]), Strings(rule?["nonResourceURLs"]));

    public static List<PolicyRule> ParseAll(JsonNode? rules) =>
        (rules as JsonArray)?.Select(Parse).ToList() ?? [];

    public JsonObject ToJson()
    {
        var rule = new JsonObject { ["verbs"] = Array(Verbs) };
        if (ApiGroups.Count > 0 || Resources.Count > 0)
        {
            rule["apiGroups"] = Array(ApiGroups);
            rule["resources"] = Array(Resources);
        }

        if (ResourceNames.Count > 0)
        {
            rule["resourceNames"] = Array(ResourceNames);
        }

        if (NonResourceUrls.Count > 0)
        {
            rule["nonResourceURLs"] = Array(NonResourceUrls);
        }

        return rule;
    }

    /// <summary>RuleAllows: does this rule allow the request?</summary>
    public bool Allows(RequestAttributes request)
    {
        if (!Has(Verbs, All) && !Has(Verbs, request.Verb))
        {
            return false;
        }

        if (!request.IsResourceRequest)
        {
            return NonResourceUrls.Any(url => url == All || url == request.Path || (url.EndsWith('*') && request.Path.StartsWith(url[..^1], StringComparison.Ordinal)));
        }

        var combined = request.CombinedResource;
        return (Has(ApiGroups, All) || Has(ApiGroups, request.ApiGroup))
            && Resources.Any(r => r == All || r == combined || (request.Subresource.Length > 0 && r == "*/" + request.Subresource))
            && (ResourceNames.Count == 0 || Has(ResourceNames, request.Name));
    }

    /// <summary>BreakdownRule: the same permissions as rules of one verb, one group, one resource and at most one name.</summary>
    public IEnumerable<PolicyRule> Breakdown()
    {
        foreach (var group in ApiGroups)
        {
            foreach (var resource in Resources)
            {
                foreach (var verb in Verbs)
                {
                    if (ResourceNames.Count == 0)
                    {
                        yield return new PolicyRule([verb], [group], [resource], [], []);
                        continue;
                    }

                    foreach (var name in ResourceNames)
                    {
                        yield return new PolicyRule([verb], [group], [resource], [name], []);
                    }
                }
            }
        }

        foreach (var url in NonResourceUrls)
        {
            foreach (var verb in Verbs)
            {
                yield return new PolicyRule([verb], [], [], [], [url]);
            }
        }
    }

    /// <summary>ruleCovers: does this (owner) rule grant everything <paramref name="sub"/> (one broken-down rule) grants?</summary>
    public bool Covers(PolicyRule sub) =>
        (Has(Verbs, All) || sub.Verbs.All(v => Has(Verbs, v)))
        && (Has(ApiGroups, All) || sub.ApiGroups.All(g => Has(ApiGroups, g)))
        && ResourcesCover(sub.Resources)
        && sub.NonResourceUrls.All(path => NonResourceUrls.Any(owner => owner == path || (owner.EndsWith('*') && path.StartsWith(owner.TrimEnd('*'), StringComparison.Ordinal))))
        && (ResourceNames.Count == 0 || (sub.ResourceNames.Count > 0 && sub.ResourceNames.All(n => Has(ResourceNames, n))));

    /// <summary>rbacv1helpers.CompactString: <c>{APIGroups:["g"], Resources:["r"], Verbs:["get"]}</c>.</summary>
    public string CompactString()
    {
        var parts = new List<string>();
        void Add(string label, IReadOnlyList<string> values)
        {
            if (values.Count > 0)
            {
                parts.Add($"{label}:[{string.Join(" ", values.Select(v => "\"" + v + "\""))}]");
            }
        }

        Add("APIGroups", ApiGroups);
        Add("Resources", Resources);
        Add("NonResourceURLs", NonResourceUrls);
        Add("ResourceNames", ResourceNames);
        Add("Verbs", Verbs);
        return "{" + string.Join(", ", parts) + "}";
    }

    /// <summary>Does some rule of <paramref name="owner"/> cover every permission of <paramref name="servant"/>? Returns what is not covered.</summary>
    public static List<PolicyRule> Uncovered(IReadOnlyList<PolicyRule> owner, IEnumerable<PolicyRule> servant) =>
        servant.SelectMany(r => r.Breakdown()).Where(sub => !owner.Any(o => o.Covers(sub))).ToList();

    /// <summary>CompactRules: simple rules (one group, one resource, no names) merged by group and resource, verbs joined.</summary>
    public static List<PolicyRule> Compact(IEnumerable<PolicyRule> rules)
    {
        var result = new List<PolicyRule>();
        var simple = new Dictionary<(string, string), List<string>>();
        foreach (var rule in rules)
        {
            if (rule.ApiGroups.Count == 1 && rule.Resources.Count == 1 && rule.ResourceNames.Count == 0 && rule.NonResourceUrls.Count == 0)
            {
                var key = (rule.ApiGroups[0], rule.Resources[0]);
                if (!simple.TryGetValue(key, out var verbs))
                {
                    verbs = [];
                    simple[key] = verbs;
                    result.Add(rule with { Verbs = verbs });
                }

                verbs.AddRange(rule.Verbs.Where(v => !verbs.Contains(v)));
                continue;
            }

            result.Add(rule);
        }

        return result;
    }

    private bool ResourcesCover(IReadOnlyList<string> wanted)
    {
        if (Has(Resources, All))
        {
            return true;
        }

        foreach (var path in wanted)
        {
            if (Has(Resources, path))
            {
                continue;
            }

            var slash = path.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0 || !Has(Resources, "*/" + path[(slash + 1)..]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Has(IReadOnlyList<string> set, string value) => set.Contains(value, StringComparer.Ordinal);

    private static string[] Strings(JsonNode? node) =>
        (node as JsonArray)?.Select(v => (string?)v ?? "").ToArray() ?? [];

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
