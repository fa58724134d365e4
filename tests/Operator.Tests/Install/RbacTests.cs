using System.Text.Json.Nodes;
using k8s.Models;
using Operator.Manifests;
using Operator.Runtime;
using Operator.Tests.Install.Helm;
using Operator.Tests.Manifests;

namespace Operator.Tests.Install;

/// <summary>Issue 16, Must show 3 and defect 6: RBAC from the code's [Rbac] declarations, cut to what the code uses.</summary>
public sealed class RbacTests
{
    private static IEnumerable<string> Grants(IEnumerable<V1PolicyRule> rules) =>
        from r in rules from g in r.ApiGroups from res in r.Resources from v in r.Verbs select $"{v} {g}/{res}";

    [Theory]
    [InlineData("list /namespaces")]
    [InlineData("watch /namespaces")]
    [InlineData("patch /secrets")]
    [InlineData("update secrets.tfy.dev/secretstoreintegrations")]
    [InlineData("patch secrets.tfy.dev/secretstoreintegrations")]
    [InlineData("patch rbac.authorization.k8s.io/roles")]
    [InlineData("get apps/statefulsets")]
    [InlineData("patch rbac.authorization.k8s.io/rolebindings")]
    [InlineData("get apps/deployments")]
    [InlineData("patch secrets.tfy.dev/secretgroups/status")]
    public void ClusterRole_GrantsNoVerbTheCodeDoesNotUse(string unused)
    {
        var role = ConfigManifests.Single<V1ClusterRole>("config/rbac");
        var granted = Grants(role.Rules).ToHashSet();

        Assert.DoesNotContain(unused, granted);
    }

    [Fact]
    public void WithTheRestApi_TheOperatorMayCreateGroups()
    {
        var rendering = new HelmChart().Render(JsonNode.Parse("""{ "api": { "enabled": true } }""")!.AsObject());
        var clusterRole = Assert.Single(rendering.Objects().OfKind<V1ClusterRole>("ClusterRole"));

        Assert.Contains("create secrets.tfy.dev/secretgroups", Grants(clusterRole.Rules));
        Assert.Contains("create authentication.k8s.io/tokenreviews", Grants(clusterRole.Rules));
    }

    [Fact]
    public void EveryRule_SaysWhy_InConfigAndInTheChart()
    {
        var helpers = File.ReadAllText(RepositoryRoot.File(ChartWriter.HelpersPath)).Split("{{- define \"secretgroup-operator.");
        string[] texts =
        [
            File.ReadAllText(RepositoryRoot.File("config/rbac/role.yaml")),
            File.ReadAllText(RepositoryRoot.File("config/rbac/namespace_role.yaml")),
            .. helpers.Where(d => d.StartsWith("clusterRules", StringComparison.Ordinal) || d.StartsWith("namespaceRules", StringComparison.Ordinal)),
        ];
        Assert.Equal(4, texts.Length);
        foreach (var text in texts)
        {
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("- apiGroups:", StringComparison.Ordinal))
                {
                    Assert.StartsWith("#", lines.Take(i).Reverse().First(l => !l.TrimStart().StartsWith("{{", StringComparison.Ordinal)).TrimStart(), StringComparison.Ordinal);
                }
            }
        }

        Assert.All(RbacRules.All(), r => Assert.All(r.Reasons, reason => Assert.True(reason.Length > 20, $"{r.Resource}: '{reason}' says too little")));
    }

    [Fact]
    public void NoRule_HasAWildcard_OrLetsTheOperatorGrantWhatItDoesNotHold()
    {
        Assert.All(RbacRules.All(), r =>
        {
            Assert.DoesNotContain("*", r.Verbs);
            Assert.NotEqual("*", r.Resource);
            Assert.DoesNotContain("escalate", r.Verbs);
            Assert.DoesNotContain("bind", r.Verbs);
        });
        Assert.DoesNotContain(RbacRules.All(), r => r.Resource == "customresourcedefinitions");
    }

    [Fact]
    public void LeaderElection_IsGrantedOnlyInTheOperatorNamespace()
    {
        var leases = Assert.Single(RbacRules.All(), r => r.Resource == "leases");

        Assert.Equal(RbacScope.OperatorNamespace, leases.Scope);
        Assert.Equal(["get", "create", "update"], leases.Verbs);
        Assert.DoesNotContain("leases", Grants(ConfigManifests.Single<V1ClusterRole>("config/rbac").Rules).Select(g => g.Split('/')[^1]));
    }
}
