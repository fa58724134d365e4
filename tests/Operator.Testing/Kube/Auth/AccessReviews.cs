using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>
/// authorization.k8s.io/v1 reviews (pkg/registry/authorization): SelfSubjectAccessReview and SubjectAccessReview
/// (and the namespaced LocalSubjectAccessReview) ask the same authorizer that guards requests;
/// SelfSubjectRulesReview lists the RBAC rules of the caller in one namespace (<c>kubectl auth can-i --list</c>).
/// </summary>
internal sealed class AccessReviews(RbacAuthorizer authorizer)
{
    public const string Group = "authorization.k8s.io";

    public JsonObject SelfSubjectAccessReview(KubeUser caller, JsonObject body)
    {
        var spec = body["spec"] as JsonObject ?? [];
        RequireOneOfAttributes("SelfSubjectAccessReview", spec);
        return Answer(body, "SelfSubjectAccessReview", Decide(caller, spec));
    }

    public JsonObject SubjectAccessReview(JsonObject body, string? localNamespace = null)
    {
        var kind = localNamespace is null ? "SubjectAccessReview" : "LocalSubjectAccessReview";
        var spec = body["spec"] as JsonObject ?? [];
        var user = (string?)spec["user"] ?? "";
        var groups = Strings(spec["groups"]);
        if (user.Length == 0 && groups.Count == 0)
        {
            throw Invalid(kind, FieldError.InvalidValue("spec.user", user, "at least one of user or group must be specified"));
        }

        RequireOneOfAttributes(kind, spec);
        if (localNamespace is not null)
        {
            if (spec["nonResourceAttributes"] is not null)
            {
                throw Invalid(kind, FieldError.InvalidValue("spec.nonResourceAttributes", null, "disallowed on this kind of request"));
            }

            if ((string?)spec["resourceAttributes"]?["namespace"] != localNamespace)
            {
                throw KubeApiException.BadRequest($"spec.resourceAttributes.namespace must match namespace: {localNamespace}");
            }
        }

        var extra = (spec["extra"] as JsonObject)?.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)Strings(p.Value), StringComparer.Ordinal)
            ?? new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var subject = new KubeUser(user, groups, (string?)spec["uid"] ?? "") { Extra = extra };
        return Answer(body, kind, Decide(subject, spec));
    }

    public JsonObject SelfSubjectRulesReview(KubeUser caller, JsonObject body)
    {
        var ns = (string?)body["spec"]?["namespace"] ?? "";
        if (ns.Length == 0)
        {
            throw KubeApiException.BadRequest("no namespace on request");
        }

        var (rules, errors) = authorizer.Index.RulesFor(caller, ns);
        var status = new JsonObject
        {
            ["resourceRules"] = new JsonArray(rules.Where(r => r.Resources.Count > 0)
                .Select(r => (JsonNode)Rule(("verbs", r.Verbs), ("apiGroups", r.ApiGroups), ("resources", r.Resources), ("resourceNames", r.ResourceNames))).ToArray()),
            ["nonResourceRules"] = new JsonArray(rules.Where(r => r.NonResourceUrls.Count > 0)
                .Select(r => (JsonNode)Rule(("verbs", r.Verbs), ("nonResourceURLs", r.NonResourceUrls))).ToArray()),
            ["incomplete"] = false,
        };
        if (errors.Count > 0)
        {
            status["evaluationError"] = errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]";
        }

        return Answer(body, "SelfSubjectRulesReview", status);
    }

    private JsonObject Decide(KubeUser subject, JsonObject spec)
    {
        RequestAttributes request;
        if (spec["resourceAttributes"] is JsonObject resource)
        {
            request = new RequestAttributes(subject, Text(resource, "verb"), true, "", Text(resource, "group"), Text(resource, "version"),
                Text(resource, "resource"), Text(resource, "subresource"), Text(resource, "namespace"), Text(resource, "name"));
        }
        else
        {
            var nonResource = spec["nonResourceAttributes"] as JsonObject ?? [];
            request = new RequestAttributes(subject, Text(nonResource, "verb"), false, Text(nonResource, "path"));
        }

        var (allowed, reason) = authorizer.Authorize(request);
        var status = new JsonObject { ["allowed"] = allowed };
        if (reason.Length > 0)
        {
            status["reason"] = reason;
        }

        return status;
    }

    private static void RequireOneOfAttributes(string kind, JsonObject spec)
    {
        var hasResource = spec["resourceAttributes"] is JsonObject;
        var hasNonResource = spec["nonResourceAttributes"] is JsonObject;
        if (hasResource && hasNonResource)
        {
            throw Invalid(kind, FieldError.InvalidValue("spec.nonResourceAttributes", spec["nonResourceAttributes"], "cannot be specified in combination with resourceAttributes"));
        }

        if (!hasResource && !hasNonResource)
        {
            throw Invalid(kind, FieldError.InvalidValue("spec.resourceAttributes", null, "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }
    }

    private static JsonObject Answer(JsonObject body, string kind, JsonObject status)
    {
        var answer = body.DeepClone().AsObject();
        answer["kind"] = kind;
        answer["apiVersion"] = Group + "/v1";
        answer["metadata"] ??= new JsonObject();
        answer["status"] = status;
        return answer;
    }

    private static JsonObject Rule(params (string Name, IReadOnlyList<string> Values)[] fields)
    {
        var rule = new JsonObject();
        foreach (var (name, values) in fields.Where(f => f.Values.Count > 0 || f.Name == "verbs"))
        {
            rule[name] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }

        return rule;
    }

    private static KubeApiException Invalid(string kind, FieldError error) =>
        KubeApiException.Invalid(new ResourceType(Group, "v1", kind.ToLowerInvariant() + "s", "", kind, false), "", [error]);

    private static string Text(JsonObject obj, string name) => (string?)obj[name] ?? "";

    private static List<string> Strings(JsonNode? node) => (node as JsonArray)?.Select(v => (string?)v ?? "").ToList() ?? [];
}
