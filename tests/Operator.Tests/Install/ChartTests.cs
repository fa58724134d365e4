using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;
using Operator.Hosting;
using Operator.Manifests;
using Operator.Tests.Install.Helm;
using Operator.Tests.Manifests;

namespace Operator.Tests.Install;

public sealed partial class ChartTests
{
    [Fact]
    public void ChartYaml_IsAnApplicationChartV2_WhoseAppVersionIsTheBinarys()
    {
        var chart = YamlJson.Parse(Chart.Text("Chart.yaml"))!.AsObject();

        Assert.Equal("v2", (string?)chart["apiVersion"]);
        Assert.Equal("secretgroup-operator", (string?)chart["name"]);
        Assert.Equal("application", (string?)chart["type"]);
        Assert.Matches(@"^[0-9]+\.[0-9]+\.[0-9]+$", (string?)chart["version"]);
        Assert.Equal(HelpText.Version.Split('+')[0], (string?)chart["appVersion"]);
    }

    [Fact]
    public void ValuesYaml_SatisfiesItsSchema() => Assert.Empty(new HelmChart().SchemaErrors(Chart.Values()));

    [Theory]
    [InlineData("logFormat", "\"xml\"")]
    [InlineData("replicas", "0")]
    [InlineData("replicas", "\"2\"")]
    [InlineData("tenant", "\"My_Tenant\"")]
    [InlineData("syncInterval", "\"one hour\"")]
    [InlineData("replica", "2")]
    [InlineData("tenantAdmins", "[\"alice\"]")]
    public void Schema_RefusesABadValue_NamingIt(string key, string json)
    {
        var values = Chart.Values();
        values[key] = JsonNode.Parse(json);

        var errors = new HelmChart().SchemaErrors(values);

        Assert.Contains(errors, e => e.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Schema_RefusesAnUnknownNestedValue_AndAWrongWebhookPolicy()
    {
        var values = Chart.Values();
        values["webhook"]!["failurePolicy"] = "Retry";
        values["webhook"]!["certManager"]!["issuer"] = "x";

        var errors = new HelmChart().SchemaErrors(values);

        Assert.Contains(errors, e => e.StartsWith("webhook.failurePolicy:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("webhook.certManager.issuer:", StringComparison.Ordinal));
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
    public void Deployment_RunsLockedDown_AndMountsTheCredentialSecretOnlyWhenNamed()
    {
        var plain = new HelmChart().Render().Objects().Deployment().Spec.Template.Spec;
        var named = new HelmChart().Render(new JsonObject { ["tfyK8sSecretName"] = "creds" }).Objects().Deployment().Spec.Template.Spec;

        foreach (var pod in new[] { plain, named })
        {
            var container = pod.Containers.Single();
            Assert.True(pod.SecurityContext.RunAsNonRoot);
            Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
            Assert.False(pod.EnableServiceLinks);
            Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
            Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
            Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        }

        Assert.DoesNotContain(plain.Volumes, v => v.Secret is not null);
        Assert.Equal("creds", Assert.Single(named.Volumes, v => v.Secret is not null).Secret.SecretName);
        Assert.Contains(named.Containers.Single().VolumeMounts, m => m.MountPath == InstallLayout.CredentialsMountPath && m.ReadOnlyProperty == true);
    }

    [Fact]
    public void MoreThanOneReplica_WithoutLeaderElection_IsRefused() =>
        Assert.Contains("leaderElection", new HelmChart().Render(JsonNode.Parse("""{ "replicas": 2, "leaderElection": { "enabled": false } }""")!.AsObject()).TemplateError, StringComparison.Ordinal);

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
}
