using k8s.Models;

namespace Operator.Tests.Manifests;

public sealed class ManagerAndRbacTests
{
    [Fact]
    public void Manager_RunsLockedDown()
    {
        var pod = ConfigManifests.Single<V1Deployment>("config/manager").Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal("ghcr.io/secretgroup/operator:latest", container.Image);
        Assert.Equal("secretgroup-operator", pod.ServiceAccountName);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
    }

    [Fact]
    public void Manager_ServesProbesOn8081_AndMetricsOn8080()
    {
        var container = ConfigManifests.Single<V1Deployment>("config/manager").Spec.Template.Spec.Containers.Single();
        var ports = container.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);

        Assert.Equal(8080, ports["metrics"]);
        Assert.Equal(8081, ports["health"]);
        Assert.Equal(("/healthz", "health"), (container.LivenessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal(("/readyz", "health"), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Port.Value));
    }

    [Fact]
    public void ClusterRole_HasNoWildcards_NorEscalateOrBind()
    {
        var role = ConfigManifests.Single<V1ClusterRole>("config/rbac");

        Assert.Equal("secretgroup-operator", role.Metadata.Name);
        Assert.All(role.Rules, rule =>
        {
            Assert.DoesNotContain("*", rule.Verbs);
            Assert.DoesNotContain("*", rule.Resources);
            Assert.DoesNotContain("*", rule.ApiGroups);
            Assert.DoesNotContain("escalate", rule.Verbs);
            Assert.DoesNotContain("bind", rule.Verbs);
        });
    }

    [Theory]
    [InlineData("secrets.tfy.dev", "secretgroups", "watch")]
    [InlineData("secrets.tfy.dev", "secretstoreintegrations", "list")]
    [InlineData("secrets.tfy.dev", "secretgroups/status", "update")]
    [InlineData("secrets.tfy.dev", "secretgroups/finalizers", "update")]
    [InlineData("", "secrets", "create")]
    [InlineData("", "secrets", "delete")]
    [InlineData("", "namespaces", "get")]
    [InlineData("events.k8s.io", "events", "create")]
    [InlineData("rbac.authorization.k8s.io", "rolebindings", "create")]
    public void ClusterRole_GrantsWhatTheOperatorNeeds(string apiGroup, string resource, string verb)
    {
        var role = ConfigManifests.Single<V1ClusterRole>("config/rbac");

        Assert.Contains(role.Rules, r => r.ApiGroups.Contains(apiGroup) && r.Resources.Contains(resource) && r.Verbs.Contains(verb));
    }

    [Fact]
    public void Leases_AreGrantedOnlyInTheOperatorNamespace()
    {
        var role = ConfigManifests.Single<V1Role>("config/rbac");
        var rule = Assert.Single(role.Rules, r => r.Resources.Contains("leases"));
        Assert.DoesNotContain(ConfigManifests.Single<V1ClusterRole>("config/rbac").Rules, r => r.Resources.Contains("leases"));

        Assert.Equal("secretgroup-system", role.Metadata.NamespaceProperty);
        Assert.Equal(["coordination.k8s.io"], rule.ApiGroups);
        Assert.Equal(["leases"], rule.Resources);
        Assert.Equal(["get", "create", "update"], rule.Verbs);
    }

    [Fact]
    public void Claims_AreConfigMapsOfTheOperatorNamespace_NeverUpdatedOrDeletedByIt()
    {
        var role = ConfigManifests.Single<V1Role>("config/rbac");
        var rule = Assert.Single(role.Rules, r => r.Resources.Contains("configmaps"));

        // Elsewhere only get, for spec.target.template.templateFrom: no list or watch of other namespaces' ConfigMaps, no writes.
        var templates = Assert.Single(ConfigManifests.Single<V1ClusterRole>("config/rbac").Rules, r => r.Resources.Contains("configmaps"));
        Assert.Equal(["get"], templates.Verbs);

        Assert.Equal("secretgroup-system", role.Metadata.NamespaceProperty);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["configmaps"], rule.Resources);
        Assert.Equal(["get", "list", "watch", "create"], rule.Verbs);
    }

    [Fact]
    public void Bindings_NameTheOperatorServiceAccount()
    {
        var account = ConfigManifests.Single<V1ServiceAccount>("config/rbac");
        var clusterBinding = ConfigManifests.Single<V1ClusterRoleBinding>("config/rbac");
        var bindings = ConfigManifests.Load("config/rbac").OfType<V1RoleBinding>().ToList();

        Assert.Single(bindings);
        Assert.All(clusterBinding.Subjects.Concat(bindings.SelectMany(b => b.Subjects)), s =>
            Assert.Equal(("ServiceAccount", account.Metadata.Name, "secretgroup-system"), (s.Kind, s.Name, s.NamespaceProperty)));
    }
}
