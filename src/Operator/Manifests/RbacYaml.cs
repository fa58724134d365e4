using System.Text;
using Operator.Hosting;
using Operator.Runtime;

namespace Operator.Manifests;

/// <summary>Writes generated rules as YAML, each with its reasons as comments; the chart and config/ share it.</summary>
public static class RbacYaml
{
    /// <summary><c>rules:</c> and its items, at <paramref name="indent"/> spaces; <paramref name="resourceName"/> renders a rule's resource name.</summary>
    public static string Rules(IEnumerable<RbacRule> rules, int indent, Func<RbacRule, string> resourceName)
    {
        var pad = new string(' ', indent);
        var text = new StringBuilder();
        foreach (var rule in rules)
        {
            foreach (var reason in rule.Reasons)
            {
                text.Append(pad).Append("# ").AppendLine(reason);
            }

            if (rule.Feature.Length > 0)
            {
                text.Append(pad).Append("# Needed only with ").Append(RbacRules.Describe(rule.Feature)).AppendLine(".");
            }

            text.Append(pad).AppendLine($"- apiGroups: [{Quote(rule.ApiGroup)}]");
            text.Append(pad).AppendLine($"  resources: [{Quote(rule.Resource)}]");
            if (rule.ResourceNameFlag is not null)
            {
                text.Append(pad).AppendLine($"  resourceNames: [{resourceName(rule)}]");
            }

            text.Append(pad).AppendLine($"  verbs: [{string.Join(", ", rule.Verbs.Select(Quote))}]");
        }

        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>The default of the flag that names a rule's one object (config/ uses the defaults).</summary>
    public static string DefaultResourceName(RbacRule rule) =>
        Quote(OperatorFlags.All.Single(f => f.Name == rule.ResourceNameFlag).DefaultArgument);

    public static string Quote(string text) => "\"" + text + "\"";

    /// <summary>Rules for one feature ("" = always) and scope, in generated order.</summary>
    public static IEnumerable<RbacRule> For(this IEnumerable<RbacRule> rules, string feature, bool operatorNamespace) =>
        rules.Where(r => r.Feature == feature && (operatorNamespace ? r.Scope == RbacScope.OperatorNamespace : r.Scope != RbacScope.OperatorNamespace));
}
