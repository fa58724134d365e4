using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;
using Operator.Hosting;
using Operator.Hosting.Flags;
using Operator.Manifests;
using Operator.Observability;
using Operator.Runtime;
using Operator.Webhooks;

namespace Operator.Tests.Install;

/// <summary>
/// What every install path must get right, checked against the operator's own code: the Deployment's args parse with
/// the real flag parser, every enabled feature has its server and every server its feature, ports and Services meet,
/// the webhook calls the route the operator serves, and RBAC grants exactly the generated rules (of the features the
/// args enable, or with <c>everyFeature</c> of every feature, as config/rbac does). Returns the problems.
/// </summary>
internal static partial class InstallCheck
{
    public static IReadOnlyList<string> Problems(IReadOnlyList<JsonObject> objects, string ns, bool everyFeature = false)
    {
        var problems = new List<string>();
        var deployment = objects.Deployment();
        var pod = deployment.Spec.Template.Spec;
        var container = pod.Containers.Single();
        var env = (container.Env ?? []).ToDictionary(e => e.Name, e => e.Value ?? (e.ValueFrom?.FieldRef?.FieldPath == "metadata.namespace" ? ns : ""));
        var args = (container.Args ?? []).Select(a => EnvReference().Replace(a, m => env.GetValueOrDefault(m.Groups[1].Value, m.Value))).ToList();
        var flags = FlagParser.Parse(args, new Dictionary<string, string>());
        problems.AddRange(flags.Problems.Select(p => $"Deployment args {string.Join(' ', args)}: {p.Message}"));
        if (!flags.IsValid)
        {
            return problems;
        }

        var ports = (container.Ports ?? []).ToDictionary(p => p.Name, p => p.ContainerPort);
        void Port(string name, bool enabled, int expected)
        {
            if (enabled && ports.GetValueOrDefault(name) != expected)
            {
                problems.Add($"container port '{name}' is {ports.GetValueOrDefault(name)}, the operator listens on {expected}");
            }
            else if (!enabled && ports.ContainsKey(name))
            {
                problems.Add($"container port '{name}' is declared but its server is off");
            }
        }

        var webhook = flags.Get(OperatorFlags.WebhookEnabled);
        var api = flags.Get(OperatorFlags.ApiEnabled);
        Port(InstallLayout.MetricsPortName, true, flags.Get(OperatorFlags.MetricsPort));
        Port(InstallLayout.HealthPortName, true, flags.Get(OperatorFlags.HealthPort));
        Port(InstallLayout.WebhookPortName, webhook, flags.Get(OperatorFlags.WebhookPort));
        Port(InstallLayout.ApiPortName, api, flags.Get(OperatorFlags.ApiPort));
        if (container.LivenessProbe?.HttpGet is not { } live || live.Path != HealthEndpoints.Liveness || PortOf(live.Port?.Value, ports) != flags.Get(OperatorFlags.HealthPort) ||
            container.ReadinessProbe?.HttpGet is not { } ready || ready.Path != HealthEndpoints.Readiness || PortOf(ready.Port?.Value, ports) != flags.Get(OperatorFlags.HealthPort))
        {
            problems.Add($"probes must call {HealthEndpoints.Liveness} and {HealthEndpoints.Readiness} on --health-port");
        }

        var labels = deployment.Spec.Template.Metadata.Labels;
        var services = objects.OfKind<V1Service>("Service").ToList();
        foreach (var service in services)
        {
            if (!service.Spec.Selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value))
            {
                problems.Add($"Service {service.Metadata.Name} selects no operator Pod");
            }

            problems.AddRange(service.Spec.Ports.Where(p => PortOf(p.TargetPort?.Value, ports) is null).Select(p => $"Service {service.Metadata.Name} port {p.Name} targets no container port"));
        }

        problems.AddRange(CheckWebhook(objects, services, ports, flags, ns));
        problems.AddRange(CheckRbac(objects, pod.ServiceAccountName, ns, flags, everyFeature));
        foreach (var policy in objects.OfKind<V1NetworkPolicy>("NetworkPolicy"))
        {
            var allowed = policy.Spec.Ingress.SelectMany(i => i.Ports ?? []).Select(p => PortOf(p.Port?.Value, ports)).ToHashSet();
            problems.AddRange(ports.Values.Where(p => !allowed.Contains(p)).Select(p => $"NetworkPolicy {policy.Metadata.Name} blocks container port {p}"));
        }

        if (api != services.Any(s => s.Spec.Ports.Any(p => PortOf(p.TargetPort?.Value, ports) == flags.Get(OperatorFlags.ApiPort))))
        {
            problems.Add($"the REST API is {(api ? "on without a Service" : "off, yet a Service targets its port")}");
        }

        return problems;
    }

    private static IEnumerable<string> CheckWebhook(IReadOnlyList<JsonObject> objects, List<V1Service> services, Dictionary<string, int> ports, FlagValues flags, string ns)
    {
        var configs = objects.OfKind<V1MutatingWebhookConfiguration>("MutatingWebhookConfiguration").ToList();
        var enabled = flags.Get(OperatorFlags.WebhookEnabled);
        if (configs.Count != (enabled ? 1 : 0))
        {
            yield return $"{configs.Count} webhook configurations with --webhook-enabled={enabled}: a configuration without its server refuses Pods";
            yield break;
        }

        if (!enabled)
        {
            yield break;
        }

        var config = configs[0];
        var hook = config.Webhooks.Single();
        var target = hook.ClientConfig.Service;
        var service = services.SingleOrDefault(s => s.Metadata.Name == target.Name);
        if (config.Metadata.Name != flags.Get(OperatorFlags.WebhookConfigName))
        {
            yield return $"webhook configuration {config.Metadata.Name} is not --webhook-config-name={flags.Get(OperatorFlags.WebhookConfigName)}, whose caBundle the operator keeps";
        }

        if (target.Path != WebhookServer.MutatePodsPath || target.NamespaceProperty != ns || target.Name != flags.Get(OperatorFlags.WebhookServiceName))
        {
            yield return $"the webhook calls {target.NamespaceProperty}/{target.Name}{target.Path}; the operator serves {WebhookServer.MutatePodsPath} behind --webhook-service-name={flags.Get(OperatorFlags.WebhookServiceName)} in {ns}";
        }

        if (service?.Spec.Ports.SingleOrDefault(p => p.Port == (target.Port ?? 443)) is not { } servicePort || PortOf(servicePort.TargetPort?.Value, ports) != flags.Get(OperatorFlags.WebhookPort))
        {
            yield return "the webhook Service port does not reach --webhook-port";
        }

        var expressions = hook.NamespaceSelector?.MatchExpressions ?? [];
        bool Excludes(string key, string value) => expressions.Any(e => e.Key == key && e.OperatorProperty == "NotIn" && e.Values.Contains(value));
        if (!Excludes("kubernetes.io/metadata.name", "kube-system") || !Excludes("kubernetes.io/metadata.name", ns) || !Excludes(InstallLayout.WebhookOptOutLabel, InstallLayout.WebhookOptOutValue))
        {
            yield return $"the webhook must skip kube-system, {ns} and namespaces labelled {InstallLayout.WebhookOptOutLabel}={InstallLayout.WebhookOptOutValue}";
        }

        if (hook.ReinvocationPolicy != "Never")
        {
            yield return $"reinvocationPolicy {hook.ReinvocationPolicy}: the manifests agree on Never";
        }

        var certificates = objects.Where(o => o.Kind() == "Certificate").ToList();
        var certManager = flags.Get(OperatorFlags.WebhookCertManager);
        if (certManager != (certificates.Count == 1))
        {
            yield return $"--webhook-cert-manager={certManager} with {certificates.Count} cert-manager Certificates";
        }
        else if (certManager)
        {
            var certificate = certificates[0];
            if ((string?)certificate["spec"]!["secretName"] != flags.Get(OperatorFlags.WebhookCertSecret))
            {
                yield return "cert-manager writes another Secret than --webhook-cert-secret";
            }

            if (!certificate["spec"]!["dnsNames"]!.AsArray().Any(d => (string?)d == $"{target.Name}.{ns}.svc"))
            {
                yield return "the Certificate does not name the webhook Service";
            }

            var inject = config.Metadata.Annotations is { } annotations && annotations.TryGetValue("cert-manager.io/inject-ca-from", out var from) ? from : null;
            if (inject != $"{ns}/{certificate.Name()}")
            {
                yield return "cert-manager is not asked to inject the CA into the webhook configuration";
            }
        }
    }

    /// <summary>
    /// Exactly the generated rules for the features on: cluster ones bound cluster-wide, operator-namespace ones in its
    /// namespace; with <c>--watch-namespaces</c> what groups need is bound in each watched namespace, never cluster-wide.
    /// </summary>
    private static IEnumerable<string> CheckRbac(IReadOnlyList<JsonObject> objects, string serviceAccount, string ns, FlagValues flags, bool everyFeature)
    {
        var webhook = flags.Get(OperatorFlags.WebhookEnabled);
        var features = new HashSet<string> { "" };
        if (webhook)
        {
            features.Add(RbacRules.Webhook);
        }

        if (webhook && !flags.Get(OperatorFlags.WebhookCertManager))
        {
            features.Add(RbacRules.WebhookCertificates);
        }

        if (flags.Get(OperatorFlags.ApiEnabled))
        {
            features.Add(RbacRules.RestApi);
        }

        var rules = RbacRules.All().Where(r => everyFeature || features.Contains(r.Feature)).ToList();
        var watched = flags.Get(OperatorFlags.WatchNamespaces);
        var expectedCluster = Grants(rules.Where(r => watched.Count == 0 ? r.Scope != RbacScope.OperatorNamespace : r.Scope.HasFlag(RbacScope.Cluster)), flags);
        var expectedIn = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            [ns] = Grants(rules.Where(r => watched.Count == 0 ? r.Scope == RbacScope.OperatorNamespace : r.Scope.HasFlag(RbacScope.OperatorNamespace)), flags),
        };
        foreach (var name in watched)
        {
            expectedIn[name] = [.. expectedIn.GetValueOrDefault(name) ?? [], .. Grants(rules.Where(r => r.Scope.HasFlag(RbacScope.WatchedNamespaces)), flags)];
        }

        bool Binds(IEnumerable<Rbacv1Subject>? subjects) => subjects?.Any(s => s.Kind == "ServiceAccount" && s.Name == serviceAccount && s.NamespaceProperty == ns) == true;
        var clusterRoles = objects.OfKind<V1ClusterRole>("ClusterRole").ToDictionary(r => r.Metadata.Name);
        var roles = objects.OfKind<V1Role>("Role").ToDictionary(r => (r.Metadata.NamespaceProperty, r.Metadata.Name));
        var cluster = objects.OfKind<V1ClusterRoleBinding>("ClusterRoleBinding").Where(b => Binds(b.Subjects))
            .SelectMany(b => clusterRoles.GetValueOrDefault(b.RoleRef.Name)?.Rules ?? []).SelectMany(Expand).ToHashSet();
        var boundIn = objects.OfKind<V1RoleBinding>("RoleBinding").Where(b => Binds(b.Subjects))
            .GroupBy(b => b.Metadata.NamespaceProperty ?? ns)
            .ToDictionary(g => g.Key, g => g.SelectMany(b => (b.RoleRef.Kind == "Role" ? roles.GetValueOrDefault((g.Key, b.RoleRef.Name))?.Rules : clusterRoles.GetValueOrDefault(b.RoleRef.Name)?.Rules) ?? []).SelectMany(Expand).ToHashSet());
        foreach (var missing in expectedCluster.Except(cluster))
        {
            yield return $"RBAC lacks cluster-wide {missing}";
        }

        foreach (var extra in cluster.Except(expectedCluster))
        {
            yield return $"RBAC grants cluster-wide {extra}, which no code declares{(watched.Count > 0 ? " outside the watched namespaces" : "")}";
        }

        foreach (var (name, expected) in expectedIn)
        {
            foreach (var missing in expected.Except(boundIn.GetValueOrDefault(name) ?? []).Except(cluster))
            {
                yield return $"RBAC lacks {missing} in {name}";
            }
        }

        foreach (var (name, bound) in boundIn)
        {
            foreach (var extra in bound.Except(expectedIn.GetValueOrDefault(name) ?? []))
            {
                yield return $"RBAC grants {extra} in {name}, which no code declares there";
            }
        }
    }

    private static HashSet<string> Grants(IEnumerable<RbacRule> rules, FlagValues flags) =>
        [.. rules.SelectMany(r => r.Verbs.Select(v => Grant(r.ApiGroup, r.Resource, r.ResourceNameFlag is null ? null : Name(flags, r.ResourceNameFlag), v)))];

    private static string Name(FlagValues flags, string flag) => flag == OperatorFlags.WebhookConfigName.Name
        ? flags.Get(OperatorFlags.WebhookConfigName)
        : throw new InvalidOperationException($"no resource name for {flag}");

    private static IEnumerable<string> Expand(V1PolicyRule rule) =>
        from g in rule.ApiGroups ?? [] from r in rule.Resources ?? [] from v in rule.Verbs from n in rule.ResourceNames is { Count: > 0 } names ? names.Select(x => (string?)x) : [null] select Grant(g, r, n, v);

    private static string Grant(string group, string resource, string? name, string verb) => $"{verb} {(group.Length == 0 ? "" : group + "/")}{resource}{(name is null ? "" : "/" + name)}";

    private static int? PortOf(string? port, Dictionary<string, int> ports) =>
        port is null ? null : int.TryParse(port, out var n) ? (ports.ContainsValue(n) ? n : null) : ports.TryGetValue(port, out var named) ? named : null;

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex EnvReference();
}
