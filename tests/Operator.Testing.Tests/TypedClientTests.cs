using System.Net;
using k8s;
using k8s.Models;

namespace Operator.Testing.Tests;

public sealed class TypedClientTests
{
    [Fact]
    public async Task Secrets_CreateReadUpdateListDelete()
    {
        await using var kube = await TestKube.StartAsync();
        var core = kube.Client.CoreV1;
        var created = await kube.CreateSecretAsync("crud", new Dictionary<string, string> { ["app"] = "x" });
        created.Data["more"] = [1, 2, 3];
        await core.ReplaceNamespacedSecretAsync(created, "crud", kube.Namespace, cancellationToken: TestKube.Ct);

        var read = await core.ReadNamespacedSecretAsync("crud", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal([1, 2, 3], read.Data["more"]);
        Assert.Equal("Secret", read.Kind);
        Assert.Single((await core.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct)).Items);

        var status = await core.DeleteNamespacedSecretAsync("crud", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal("Success", status.Status);
        Assert.Equal("crud", status.Details.Name);
        await TestKube.ExpectStatusAsync(HttpStatusCode.NotFound, () => core.ReadNamespacedSecretAsync("crud", kube.Namespace, cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task Leases_SupportLeaderElectionStyleOptimisticUpdates()
    {
        await using var kube = await TestKube.StartAsync();
        var coordination = kube.Client.CoordinationV1;
        var lease = await coordination.CreateNamespacedLeaseAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "leader" },
            Spec = new V1LeaseSpec { HolderIdentity = "a", LeaseDurationSeconds = 15, AcquireTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
        }, kube.Namespace, cancellationToken: TestKube.Ct);
        var competitor = await coordination.ReadNamespacedLeaseAsync("leader", kube.Namespace, cancellationToken: TestKube.Ct);

        lease.Spec.HolderIdentity = "a";
        lease.Spec.RenewTime = new DateTime(2026, 1, 1, 0, 0, 10, DateTimeKind.Utc);
        await coordination.ReplaceNamespacedLeaseAsync(lease, "leader", kube.Namespace, cancellationToken: TestKube.Ct);
        competitor.Spec.HolderIdentity = "b";

        await TestKube.ExpectStatusAsync(HttpStatusCode.Conflict,
            () => coordination.ReplaceNamespacedLeaseAsync(competitor, "leader", kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Equal("a", (await coordination.ReadNamespacedLeaseAsync("leader", kube.Namespace, cancellationToken: TestKube.Ct)).Spec.HolderIdentity);
    }

    [Fact]
    public async Task EventsV1_CanBeCreatedAndListed()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.Client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = "widget." },
            EventTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            Reason = "Synced",
            Note = "synced 3 keys",
            Type = "Normal",
            Action = "Sync",
            ReportingController = "example.com/operator",
            ReportingInstance = "operator-0",
            Regarding = new V1ObjectReference { Kind = "Secret", Name = "s", NamespaceProperty = kube.Namespace },
        }, kube.Namespace, cancellationToken: TestKube.Ct);

        var events = await kube.Client.EventsV1.ListNamespacedEventAsync(kube.Namespace, cancellationToken: TestKube.Ct);

        var single = Assert.Single(events.Items);
        Assert.Equal("Synced", single.Reason);
        Assert.Equal("s", single.Regarding.Name);
    }

    [Fact]
    public async Task Rbac_RolesBindingsAndClusterRoles()
    {
        await using var kube = await TestKube.StartAsync();
        var rbac = kube.Client.RbacAuthorizationV1;
        await rbac.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "secret-writer" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], Verbs = ["get", "create", "update"] }],
        }, kube.Namespace, cancellationToken: TestKube.Ct);
        await rbac.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "operator-secret-writer" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "secret-writer" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "operator", NamespaceProperty = kube.Namespace }],
        }, kube.Namespace, cancellationToken: TestKube.Ct);
        await rbac.CreateClusterRoleAsync(new V1ClusterRole { Metadata = new V1ObjectMeta { Name = "system:example:reader" } }, cancellationToken: TestKube.Ct);

        Assert.Single((await rbac.ListNamespacedRoleBindingAsync(kube.Namespace, cancellationToken: TestKube.Ct)).Items);
        Assert.NotNull(await rbac.ReadClusterRoleAsync("system:example:reader", cancellationToken: TestKube.Ct));
        Assert.Equal("secrets", (await rbac.ReadNamespacedRoleAsync("secret-writer", kube.Namespace, cancellationToken: TestKube.Ct)).Rules[0].Resources[0]);
    }

    [Fact]
    public async Task CoreEventsAndServiceAccounts_Work()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "operator" } }, kube.Namespace, cancellationToken: TestKube.Ct);
        await kube.Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "e1" },
            InvolvedObject = new V1ObjectReference { Kind = "ServiceAccount", Name = "operator" },
            Reason = "Created",
            Message = "hello",
        }, kube.Namespace, cancellationToken: TestKube.Ct);

        var events = await kube.Client.CoreV1.ListNamespacedEventAsync(kube.Namespace, fieldSelector: "involvedObject.name=operator", cancellationToken: TestKube.Ct);
        Assert.Equal("hello", Assert.Single(events.Items).Message);
    }

    [Fact]
    public async Task Discovery_ListsBuiltInGroups()
    {
        await using var kube = await TestKube.StartAsync();
        var groups = await kube.Client.Apis.GetAPIVersionsAsync(TestKube.Ct);
        Assert.Contains(groups.Groups, g => g.Name == "coordination.k8s.io");
        var core = await kube.Client.CoreV1.GetAPIResourcesAsync(TestKube.Ct);
        Assert.Contains(core.Resources, r => r.Name == "secrets" && r.Namespaced && r.Verbs.Contains("watch"));
        var version = await kube.Client.Version.GetCodeAsync(TestKube.Ct);
        Assert.Equal("1", version.Major);
    }
}
