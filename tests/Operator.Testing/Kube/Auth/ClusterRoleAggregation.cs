using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>
/// The clusterrole-aggregation controller, run synchronously after every ClusterRole change: a ClusterRole with an
/// aggregationRule gets the rules of every other ClusterRole its selectors match (by name order, duplicates
/// dropped), replacing its own. Called under the store's lock.
/// </summary>
internal sealed class ClusterRoleAggregation(ObjectStore store)
{
    private bool _running;

    public void Reconcile()
    {
        if (_running)
        {
            return; // our own writes come back through the store's change hook
        }

        _running = true;
        try
        {
            // Aggregated roles may select each other (admin includes edit, which includes view): repeat to a fixed point.
            for (var pass = 0; pass < 10 && Pass(); pass++)
            {
            }
        }
        finally
        {
            _running = false;
        }
    }

    private bool Pass()
    {
        var changed = false;
        var roles = store.List(RbacIndex.ClusterRolesKey, null).ToList();
        foreach (var role in roles.Where(r => r["aggregationRule"] is JsonObject))
        {
            var selectors = (role["aggregationRule"]?["clusterRoleSelectors"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            var rules = new JsonArray();
            foreach (var source in roles.Where(r => Meta.Name(r) != Meta.Name(role) && selectors.Any(s => Matches(s, Meta.Labels(r)))).OrderBy(Meta.Name, StringComparer.Ordinal))
            {
                foreach (var rule in (source["rules"] as JsonArray ?? []).Where(rule => !rules.Any(r => JsonNode.DeepEquals(r, rule))))
                {
                    rules.Add(rule?.DeepClone());
                }
            }

            var current = store.Get(RbacIndex.ClusterRolesKey, "", Meta.Name(role));
            if (current is null || JsonNode.DeepEquals(current["rules"] ?? new JsonArray(), rules))
            {
                continue;
            }

            var updated = current.DeepClone().AsObject();
            updated["rules"] = rules;
            Meta.Of(updated)["resourceVersion"] = store.NextResourceVersion();
            store.Put(RbacIndex.ClusterRolesKey, updated, "MODIFIED", current);
            changed = true;
        }

        return changed;
    }

    /// <summary>metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist).</summary>
    public static bool Matches(JsonObject selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in selector["matchLabels"] as JsonObject ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || actual != (string?)value)
            {
                return false;
            }
        }

        foreach (var expression in (selector["matchExpressions"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var key = (string?)expression["key"] ?? "";
            var values = (expression["values"] as JsonArray)?.Select(v => (string?)v).ToList() ?? [];
            var has = labels.TryGetValue(key, out var actual);
            var ok = (string?)expression["operator"] switch
            {
                "In" => has && values.Contains(actual),
                "NotIn" => !has || !values.Contains(actual),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
