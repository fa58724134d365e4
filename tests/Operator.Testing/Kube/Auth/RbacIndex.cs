using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>
/// Roles, ClusterRoles and their bindings, indexed by subject so that authorising a request costs the bindings of its
/// user and groups, not all bindings. Kept in step with the store by <see cref="Observe"/> (called under the store's
/// lock); read under its own lock, so authorising never waits for the store.
/// </summary>
internal sealed class RbacIndex
{
    public const string Group = "rbac.authorization.k8s.io";
    public const string RolesKey = Group + "/roles";
    public const string ClusterRolesKey = Group + "/clusterroles";
    public const string RoleBindingsKey = Group + "/rolebindings";
    public const string ClusterRoleBindingsKey = Group + "/clusterrolebindings";

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Namespace, string Name), List<PolicyRule>> _roles = [];
    private readonly Dictionary<string, List<PolicyRule>> _clusterRoles = new(StringComparer.Ordinal);

    // subject key ("User:alice", "Group:dev") -> binding name -> what it binds; role bindings are keyed by (namespace, subject).
    private readonly Dictionary<string, Dictionary<string, Binding>> _clusterBindings = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Namespace, string Subject), Dictionary<string, Binding>> _roleBindings = [];

    public static bool IsRbacKey(string storageKey) => storageKey.StartsWith(Group + "/", StringComparison.Ordinal);

    /// <summary>Applies one stored change (previous and current state; either may be null).</summary>
    public void Observe(string storageKey, JsonObject? previous, JsonObject? current)
    {
        if (!IsRbacKey(storageKey))
        {
            return;
        }

        lock (_gate)
        {
            if (previous is not null)
            {
                Apply(storageKey, previous, add: false);
            }

            if (current is not null)
            {
                Apply(storageKey, current, add: true);
            }
        }
    }

    /// <summary>The rules a role reference grants in <paramref name="ns"/>, or the API server's error when the role is missing.</summary>
    public (IReadOnlyList<PolicyRule> Rules, string? Error) RulesOf(RoleRef role, string ns)
    {
        lock (_gate)
        {
            return Resolve(role, ns);
        }
    }

    /// <summary>
    /// Visits the rules that apply to <paramref name="user"/> in <paramref name="ns"/> ("" = cluster scope only), cluster
    /// bindings first, until <paramref name="visit"/> returns true; it also gets the binding as RBAC describes it
    /// (<c>ClusterRoleBinding "b" of ClusterRole "r" to User "u"</c>). Returns whether it stopped, and missing-role errors.
    /// </summary>
    public (bool Stopped, List<string> Errors) VisitRules(KubeUser user, string ns, Func<PolicyRule, string, bool> visit)
    {
        var errors = new List<string>();
        lock (_gate)
        {
            foreach (var subject in SubjectKeys(user))
            {
                if (_clusterBindings.TryGetValue(subject, out var bindings) && Visit(bindings.Values, "", visit, errors))
                {
                    return (true, errors);
                }
            }

            if (ns.Length > 0)
            {
                foreach (var subject in SubjectKeys(user))
                {
                    if (_roleBindings.TryGetValue((ns, subject), out var bindings) && Visit(bindings.Values, ns, visit, errors))
                    {
                        return (true, errors);
                    }
                }
            }
        }

        return (false, errors);
    }

    /// <summary>Every rule that applies to <paramref name="user"/> in <paramref name="ns"/> (RulesFor), and resolution errors.</summary>
    public (List<PolicyRule> Rules, List<string> Errors) RulesFor(KubeUser user, string ns)
    {
        var rules = new List<PolicyRule>();
        var (_, errors) = VisitRules(user, ns, (r, _) =>
        {
            rules.Add(r);
            return false;
        });
        return (rules, errors);
    }

    /// <summary>The names of ClusterRoles and their rules, for aggregation.</summary>
    public Dictionary<string, List<PolicyRule>> ClusterRoleRules()
    {
        lock (_gate)
        {
            return new Dictionary<string, List<PolicyRule>>(_clusterRoles, StringComparer.Ordinal);
        }
    }

    private bool Visit(IEnumerable<Binding> bindings, string ns, Func<PolicyRule, string, bool> visit, List<string> errors)
    {
        foreach (var binding in bindings)
        {
            var (rules, error) = Resolve(binding.Role, ns);
            if (error is not null && !errors.Contains(error))
            {
                errors.Add(error);
            }

            if (rules.Any(r => visit(r, binding.Description)))
            {
                return true;
            }
        }

        return false;
    }

    private (IReadOnlyList<PolicyRule> Rules, string? Error) Resolve(RoleRef role, string ns)
    {
        if (role.Kind == "ClusterRole")
        {
            return _clusterRoles.TryGetValue(role.Name, out var rules) ? (rules, null) : ([], $"clusterrole.rbac.authorization.k8s.io \"{role.Name}\" not found");
        }

        return _roles.TryGetValue((ns, role.Name), out var roleRules) ? (roleRules, null) : ([], $"role.rbac.authorization.k8s.io \"{role.Name}\" not found");
    }

    private void Apply(string storageKey, JsonObject obj, bool add)
    {
        var ns = Meta.Namespace(obj);
        var name = Meta.Name(obj);
        switch (storageKey)
        {
            case RolesKey when add:
                _roles[(ns, name)] = PolicyRule.ParseAll(obj["rules"]);
                break;
            case RolesKey:
                _roles.Remove((ns, name));
                break;
            case ClusterRolesKey when add:
                _clusterRoles[name] = PolicyRule.ParseAll(obj["rules"]);
                break;
            case ClusterRolesKey:
                _clusterRoles.Remove(name);
                break;
            case RoleBindingsKey or ClusterRoleBindingsKey:
                var roleRef = new RoleRef((string?)obj["roleRef"]?["kind"] ?? "", (string?)obj["roleRef"]?["name"] ?? "");
                foreach (var (subject, text) in Subjects(obj, ns))
                {
                    var binding = storageKey == ClusterRoleBindingsKey
                        ? new Binding(roleRef, $"ClusterRoleBinding \"{name}\" of {roleRef.Kind} \"{roleRef.Name}\" to {text}")
                        : new Binding(roleRef, $"RoleBinding \"{name}/{ns}\" of {roleRef.Kind} \"{roleRef.Name}\" to {text}");
                    if (storageKey == ClusterRoleBindingsKey)
                    {
                        Update(_clusterBindings, subject, name, binding, add);
                    }
                    else
                    {
                        Update(_roleBindings, (ns, subject), name, binding, add);
                    }
                }

                break;
        }
    }

    private static void Update<TKey>(Dictionary<TKey, Dictionary<string, Binding>> index, TKey key, string name, Binding binding, bool add)
        where TKey : notnull
    {
        if (add)
        {
            if (!index.TryGetValue(key, out var bindings))
            {
                bindings = new Dictionary<string, Binding>(StringComparer.Ordinal);
                index[key] = bindings;
            }

            bindings[name] = binding;
        }
        else if (index.TryGetValue(key, out var bindings) && bindings.Remove(name) && bindings.Count == 0)
        {
            index.Remove(key);
        }
    }

    // appliesToUser: a User subject matches the name, a Group subject any group, a ServiceAccount subject the
    // user system:serviceaccount:<ns>:<name> (the subject's namespace, else the binding's).
    private static IEnumerable<(string Key, string Text)> Subjects(JsonObject binding, string bindingNamespace)
    {
        foreach (var subject in (binding["subjects"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var name = (string?)subject["name"] ?? "";
            switch ((string?)subject["kind"])
            {
                case "User":
                    yield return ("User:" + name, $"User \"{name}\"");
                    break;
                case "Group":
                    yield return ("Group:" + name, $"Group \"{name}\"");
                    break;
                case "ServiceAccount":
                    var ns = (string?)subject["namespace"] is { Length: > 0 } given ? given : bindingNamespace;
                    yield return ("User:" + KubeUser.ServiceAccountName(ns, name), $"ServiceAccount \"{ns}/{name}\"");
                    break;
            }
        }
    }

    private static IEnumerable<string> SubjectKeys(KubeUser user) =>
        user.Groups.Select(g => "Group:" + g).Prepend("User:" + user.Name).Distinct(StringComparer.Ordinal);
}

/// <summary>A binding's roleRef.</summary>
internal sealed record RoleRef(string Kind, string Name);

/// <summary>One binding as seen from one of its subjects.</summary>
internal sealed record Binding(RoleRef Role, string Description);
