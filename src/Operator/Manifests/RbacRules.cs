using System.Reflection;
using Operator.Hosting;
using Operator.Runtime;

namespace Operator.Manifests;

/// <summary>
/// Collects the <see cref="RbacAttribute"/> declarations of the operator's classes into rules. The features a rule can
/// depend on are named here; a declaration naming another feature is an error, so nothing is granted by accident.
/// </summary>
public static class RbacRules
{
    /// <summary>Only with the Pod webhook on.</summary>
    public const string Webhook = "webhook";

    /// <summary>Only with the webhook on and the operator managing its own certificate (no cert-manager).</summary>
    public const string WebhookCertificates = "webhook-certificates";

    /// <summary>Only with the REST API on.</summary>
    public const string RestApi = "rest-api";

    public static IReadOnlyList<string> Features { get; } = ["", Webhook, WebhookCertificates, RestApi];

    /// <summary>The flags that turn a feature on, as a user writes them.</summary>
    public static string Describe(string feature) => feature switch
    {
        Webhook => OperatorFlags.WebhookEnabled.Switch,
        WebhookCertificates => $"{OperatorFlags.WebhookEnabled.Switch} and without {OperatorFlags.WebhookCertManager.Switch}",
        RestApi => OperatorFlags.ApiEnabled.Switch,
        _ => throw new ArgumentOutOfRangeException(nameof(feature), feature, "not a feature"),
    };

    private static readonly string[] VerbOrder = ["get", "list", "watch", "create", "update", "patch", "delete"];

    /// <summary>Every declaration, merged per resource, scope, feature and resource name; ordered for stable output.</summary>
    public static IReadOnlyList<RbacRule> All()
    {
        var declared = new[] { typeof(Program).Assembly, typeof(RbacAttribute).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetCustomAttributes<RbacAttribute>())
            .ToList();
        var unknown = declared.FirstOrDefault(d => !Features.Contains(d.Feature, StringComparer.Ordinal) || d.Verbs.Split(',', StringSplitOptions.TrimEntries).Except(VerbOrder).Any());
        if (unknown is not null)
        {
            throw new InvalidOperationException($"[Rbac] on {unknown.Resource}: unknown feature '{unknown.Feature}' or verb in '{unknown.Verbs}'");
        }

        return [.. declared
            .GroupBy(d => (d.ApiGroup, d.Resource, d.Scope, d.Feature, d.ResourceNameFlag))
            .Select(g => new RbacRule(
                g.Key.ApiGroup,
                g.Key.Resource,
                [.. VerbOrder.Where(v => g.Any(d => d.Verbs.Split(',', StringSplitOptions.TrimEntries).Contains(v)))],
                [.. g.Select(d => d.Reason).Distinct(StringComparer.Ordinal)],
                g.Key.Scope,
                g.Key.Feature,
                g.Key.ResourceNameFlag))
            .OrderBy(r => Array.IndexOf([.. Features], r.Feature))
            .ThenBy(r => r.ApiGroup == "" ? "~" : r.ApiGroup, StringComparer.Ordinal)
            .ThenBy(r => r.Resource, StringComparer.Ordinal)
            .ThenBy(r => r.Scope)];
    }
}
