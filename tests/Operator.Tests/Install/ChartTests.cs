using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;
using Operator.Hosting;
using Operator.Manifests;
using Operator.Tests.Manifests;

namespace Operator.Tests.Install;

public sealed partial class ChartTests
{
    [Fact]
    public void ChartYaml_IsAnApplicationChartV2_NamedSecretgroupOperator()
    {
        var chart = YamlJson.Parse(Chart.Text("Chart.yaml"))!.AsObject();

        Assert.Equal("v2", (string?)chart["apiVersion"]);
        Assert.Equal("secretgroup-operator", (string?)chart["name"]);
        Assert.Equal("application", (string?)chart["type"]);
        Assert.Matches(@"^[0-9]+\.[0-9]+\.[0-9]+$", (string?)chart["version"]);
        Assert.Equal(HelpText.Version.Split('+')[0], (string?)chart["appVersion"]);
    }

    [Fact]
    public void ValuesYaml_SatisfiesItsSchema() => Assert.Empty(MiniJsonSchema.Validate(Chart.Schema(), Chart.Values()));

    [Fact]
    public void ValuesYaml_HasTheDocumentedDefaults()
    {
        var values = Chart.Values();

        Assert.Equal("default", (string?)values["tenant"]);
        Assert.Equal(2, (long?)values["replicas"]);
        Assert.True((bool?)values["leaderElection"]!["enabled"]);
        Assert.Equal("json", (string?)values["logFormat"]);
        Assert.Equal("1h", (string?)values["syncInterval"]);
        Assert.Equal("", (string?)values["tfyK8sSecretName"]);
        Assert.Equal(8080, (long?)values["metrics"]!["port"]);
        Assert.False((bool?)values["metrics"]!["serviceMonitor"]!["enabled"]);
        Assert.False((bool?)values["api"]!["enabled"]);
        Assert.Equal(8082, (long?)values["api"]!["port"]);
        Assert.Equal(9443, (long?)values["webhook"]!["port"]);
    }

    [Theory]
    [InlineData("logFormat", "\"xml\"", "logFormat: 'xml' is not one of")]
    [InlineData("replicas", "0", "replicas: 0 is below 1")]
    [InlineData("replicas", "\"2\"", "replicas: expected integer, found string")]
    [InlineData("tenant", "\"My_Tenant\"", "tenant: 'My_Tenant' does not match")]
    [InlineData("syncInterval", "\"one hour\"", "syncInterval: 'one hour' does not match")]
    [InlineData("replica", "2", "replica: unknown value")]
    [InlineData("tenantAdmins", "[\"alice\"]", "tenantAdmins[0]: 'alice' does not match")]
    public void Schema_RefusesABadValue_NamingIt(string key, string json, string expected)
    {
        var values = Chart.Values();
        values[key] = JsonNode.Parse(json);

        var errors = MiniJsonSchema.Validate(Chart.Schema(), values);

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Schema_RefusesAnUnknownNestedValue_AndAWrongWebhookPolicy()
    {
        var values = Chart.Values();
        values["webhook"]!["failurePolicy"] = "Retry";
        values["webhook"]!["certManager"]!["issuer"] = "x";

        var errors = MiniJsonSchema.Validate(Chart.Schema(), values);

        Assert.Contains(errors, e => e.StartsWith("webhook.failurePolicy:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("webhook.certManager.issuer: unknown value", StringComparison.Ordinal));
    }

    [Fact]
    public void Schema_DescribesEveryValue_AndNothingMore()
    {
        var schemaPaths = SchemaPaths(Chart.Schema().AsObject(), "").Where(p => p != "global").ToHashSet();
        var valuePaths = ValuePaths(Chart.Values(), "", Chart.Schema().AsObject()).ToHashSet();

        Assert.Empty(valuePaths.Except(schemaPaths));

        // Optional keys inside a value that defaults to {} (webhook.namespaceSelector.matchLabels) are described only.
        var values = Chart.Values();
        var undeclared = schemaPaths.Except(valuePaths).Where(p => !valuePaths.Any(v => p.StartsWith(v + ".", StringComparison.Ordinal) && IsEmptyObject(values, v))).ToList();
        Assert.True(undeclared.Count == 0, "in the schema but not in values.yaml: " + string.Join(", ", undeclared));
    }

    [Fact]
    public void Templates_UseOnlyValuesThatValuesYamlDefines()
    {
        var values = Chart.Values();
        var used = Chart.Templates().SelectMany(t => ValuesReference().Matches(t.Value).Select(m => (File: t.Key, Path: m.Groups[1].Value))).ToList();

        Assert.NotEmpty(used);
        var missing = used.Where(u => !Exists(values, u.Path)).Select(u => $"{u.File}: .Values.{u.Path}").Distinct().ToList();
        Assert.True(missing.Count == 0, "not in values.yaml: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryValue_IsUsedByATemplate()
    {
        var used = Chart.Templates().Values.SelectMany(t => ValuesReference().Matches(t).Select(m => m.Groups[1].Value)).ToHashSet();
        var unused = LeafPaths(Chart.Values(), "").Where(p => !used.Any(u => u == p || p.StartsWith(u + ".", StringComparison.Ordinal) || u.StartsWith(p + ".", StringComparison.Ordinal))).ToList();

        Assert.True(unused.Count == 0, "values no template reads: " + string.Join(", ", unused));
    }

    [Fact]
    public void ChartCrds_AreTheGeneratedCrds_ByteForByte()
    {
        var bases = Directory.EnumerateFiles(RepositoryRoot.File(ManifestWriter.CrdBasesDirectory), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var chart = Directory.EnumerateFiles(RepositoryRoot.File(ManifestWriter.ChartCrdsDirectory)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(2, bases.Count);
        Assert.Equal(bases, chart);
        Assert.All(bases, name => Assert.Equal(
            File.ReadAllText(RepositoryRoot.File($"{ManifestWriter.CrdBasesDirectory}/{name}")),
            File.ReadAllText(RepositoryRoot.File($"{ManifestWriter.ChartCrdsDirectory}/{name}"))));
    }

    [Fact]
    public void DeploymentFlags_AreFlagsTheOperatorDeclares()
    {
        var known = OperatorFlags.All.Select(f => f.Name).ToHashSet();
        var flags = FlagPattern().Matches(Chart.Templates()["deployment.yaml"]).Select(m => m.Groups[1].Value).ToList();

        Assert.Contains("namespace", flags);
        Assert.Contains("metrics-port", flags);
        var unknown = flags.Where(f => !known.Contains(f)).ToList();
        Assert.True(unknown.Count == 0, "flags the operator does not declare: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Deployment_RunsLockedDown_AndMountsTheCredentialSecretOnlyWhenNamed()
    {
        var deployment = Chart.Templates()["deployment.yaml"];

        string[] required =
        [
            "runAsNonRoot: true", "readOnlyRootFilesystem: true", "allowPrivilegeEscalation: false", "- ALL",
            "type: RuntimeDefault", "mountPath: /tmp", "emptyDir:", "fieldPath: metadata.namespace", "--namespace=$(POD_NAMESPACE)",
        ];
        Assert.All(required, r => Assert.Contains(r, deployment, StringComparison.Ordinal));

        var mount = deployment.IndexOf("mountPath: /opt/truefoundry/tfy-k8s-secrets", StringComparison.Ordinal);
        var volume = deployment.IndexOf("secretName: {{ .Values.tfyK8sSecretName }}", StringComparison.Ordinal);
        Assert.True(mount > 0 && volume > 0);
        Assert.All(new[] { mount, volume }, at =>
        {
            var guard = deployment.LastIndexOf("{{- if .Values.tfyK8sSecretName }}", at, StringComparison.Ordinal);
            var end = deployment.IndexOf("{{- end }}", guard, StringComparison.Ordinal);
            Assert.True(guard > 0 && end > at, "the tfy-k8s-secrets volume and mount must be inside {{- if .Values.tfyK8sSecretName }}");
        });
    }

    [Fact]
    public void ClusterRole_GrantsWhatConfigRbacGrants_WithEveryRuleJustified()
    {
        var template = Chart.Templates()["clusterrole.yaml"];
        var config = ConfigManifests.Single<V1ClusterRole>("config/rbac");

        foreach (var rule in config.Rules)
        {
            if (rule.ResourceNames is { Count: > 0 })
            {
                // Name-limited rules are templated with the release's names; check the resource is covered.
                Assert.Contains($"resources: [{Flow(rule.Resources)}]", template, StringComparison.Ordinal);
                continue;
            }

            var expected = $"  - apiGroups: [{Flow(rule.ApiGroups)}]\n    resources: [{Flow(rule.Resources)}]\n    verbs: [{Flow(rule.Verbs)}]\n";
            Assert.Contains(expected, template, StringComparison.Ordinal);
        }

        var lines = template.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("  - apiGroups:", StringComparison.Ordinal))
            {
                var previous = lines.Take(i).Reverse().First(l => !l.TrimStart().StartsWith("{{", StringComparison.Ordinal));
                Assert.True(previous.TrimStart().StartsWith('#'), $"clusterrole.yaml line {i + 1}: a rule without a comment saying why");
            }
        }

        var rules = string.Join('\n', lines.Where(l => !l.TrimStart().StartsWith('#')));
        Assert.DoesNotContain("\"*\"", rules, StringComparison.Ordinal);
        Assert.DoesNotContain("escalate", rules, StringComparison.Ordinal);
        Assert.DoesNotContain("\"bind\"", rules, StringComparison.Ordinal);
    }

    [Fact]
    public void LeaderElectionRole_IsLimitedToLeases()
    {
        var role = Chart.Templates()["role.yaml"];

        Assert.Contains("resources: [\"leases\"]\n    verbs: [\"get\", \"create\", \"update\"]", role, StringComparison.Ordinal);
        Assert.Contains("namespace: {{ .Release.Namespace }}", role, StringComparison.Ordinal);
    }

    [Fact]
    public void Webhook_LeavesTheReleaseNamespaceOut_AndIsOptional()
    {
        var webhook = Chart.Templates()["webhook.yaml"];

        Assert.StartsWith("{{- if .Values.webhook.enabled }}", webhook, StringComparison.Ordinal);
        Assert.Contains("operator: NotIn\n          values: [{{ .Release.Namespace | quote }}]", webhook, StringComparison.Ordinal);
        Assert.Contains("kind: MutatingWebhookConfiguration", webhook, StringComparison.Ordinal);
        Assert.Contains("resources: [\"pods\"]", webhook, StringComparison.Ordinal);
        Assert.Contains("cert-manager.io/inject-ca-from", webhook, StringComparison.Ordinal);
    }

    private static string Flow(IEnumerable<string> items) => string.Join(", ", items.Select(i => $"\"{i}\""));

    private static bool IsEmptyObject(JsonObject values, string path) =>
        path.Split('.').Aggregate((JsonNode?)values, (node, part) => node?[part]) is JsonObject { Count: 0 };

    private static bool Exists(JsonObject values, string path)
    {
        JsonNode? node = values;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject obj || !obj.ContainsKey(part))
            {
                return false;
            }

            node = obj[part];
        }

        return true;
    }

    private static IEnumerable<string> LeafPaths(JsonObject values, string prefix)
    {
        foreach (var (name, child) in values)
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (child is JsonObject obj && obj.Count > 0)
            {
                foreach (var leaf in LeafPaths(obj, path))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    // Paths of declared properties; an object without declared properties is one leaf (free-form: resources, affinity).
    private static IEnumerable<string> SchemaPaths(JsonObject schema, string prefix)
    {
        foreach (var (name, child) in schema["properties"]?.AsObject() ?? [])
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            yield return path;
            foreach (var nested in SchemaPaths(child!.AsObject(), path))
            {
                yield return nested;
            }
        }
    }

    private static IEnumerable<string> ValuePaths(JsonObject values, string prefix, JsonObject schema)
    {
        foreach (var (name, child) in values)
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            yield return path;
            var childSchema = schema["properties"]?[name] as JsonObject;
            if (child is JsonObject obj && childSchema?["properties"] is not null)
            {
                foreach (var nested in ValuePaths(obj, path, childSchema))
                {
                    yield return nested;
                }
            }
        }
    }

    [GeneratedRegex(@"\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)")]
    private static partial Regex ValuesReference();

    [GeneratedRegex(@"- --([a-z-]+)=")]
    private static partial Regex FlagPattern();
}
