using k8s;
using k8s.Models;
using static Operator.Testing.Tests.Rbac;

namespace Operator.Testing.Tests;

/// <summary>RBAC escalation prevention: nobody grants, through a role or a binding, what they do not hold.</summary>
public sealed class EscalationTests
{
    [Fact]
    public async Task Role_GrantingWhatTheWriterLacks_IsForbidden_ListingTheMissingRules()
    {
        await using var kube = await StartAsync();
        await GrantAsync(kube, User("alice"), Rule(["create", "update", "patch"], ["roles"], "rbac.authorization.k8s.io"), Rule(["get", "list"], ["configmaps"]));
        using var alice = kube.Emulator.CreateClientAs("alice", "dev");

        var message = await ForbiddenAsync(() => alice.RbacAuthorizationV1.CreateNamespacedRoleAsync(
            Role("reader", Rule(["get", "list"], ["configmaps", "secrets"])), kube.Namespace, cancellationToken: TestKube.Ct));

        Assert.Equal("roles.rbac.authorization.k8s.io \"reader\" is forbidden: user \"alice\" (groups=[\"dev\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
            + "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\"]}", message);
        await alice.RbacAuthorizationV1.CreateNamespacedRoleAsync(Role("reader", Rule(["get"], ["configmaps"])), kube.Namespace, cancellationToken: TestKube.Ct);
        await ForbiddenAsync(() => alice.RbacAuthorizationV1.PatchNamespacedRoleAsync(
            new V1Patch("""{"rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["get"]}]}""", V1Patch.PatchType.MergePatch), "reader", kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Equal("configmaps", (await kube.Client.RbacAuthorizationV1.ReadNamespacedRoleAsync("reader", kube.Namespace, cancellationToken: TestKube.Ct)).Rules.Single().Resources.Single());
    }

    [Fact]
    public async Task Role_WithEscalate_MayGrantAnything()
    {
        await using var kube = await StartAsync();
        await GrantAsync(kube, User("alice"), Rule(["create", "escalate"], ["roles"], "rbac.authorization.k8s.io"));
        using var alice = kube.Emulator.CreateClientAs("alice");

        await alice.RbacAuthorizationV1.CreateNamespacedRoleAsync(Role("everything", new V1PolicyRule { ApiGroups = ["*"], Resources = ["*"], Verbs = ["*"] }), kube.Namespace, cancellationToken: TestKube.Ct);
    }

    [Fact]
    public async Task Binding_ToARoleTheWriterDoesNotHold_IsForbidden_UnlessTheyMayBindIt()
    {
        await using var kube = await StartAsync();
        await kube.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(Role("secret-reader", Rule(["get"], ["secrets"])), kube.Namespace, cancellationToken: TestKube.Ct);
        await GrantAsync(kube, User("alice"), Rule(["create"], ["rolebindings"], "rbac.authorization.k8s.io"));
        await GrantAsync(kube, User("bob"), Rule(["create"], ["rolebindings"], "rbac.authorization.k8s.io"), Rule(["bind"], ["roles"], "rbac.authorization.k8s.io", ["secret-reader"]));
        using var alice = kube.Emulator.CreateClientAs("alice");
        using var bob = kube.Emulator.CreateClientAs("bob");

        Assert.StartsWith("rolebindings.rbac.authorization.k8s.io \"mallory-reads\" is forbidden: user \"alice\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:",
            await ForbiddenAsync(() => alice.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("mallory-reads", "Role", "secret-reader", User("mallory")), kube.Namespace, cancellationToken: TestKube.Ct)),
            StringComparison.Ordinal);
        Assert.Equal("rolebindings.rbac.authorization.k8s.io \"ghost\" is forbidden: role.rbac.authorization.k8s.io \"ghost\" not found",
            await ForbiddenAsync(() => alice.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("ghost", "Role", "ghost", User("mallory")), kube.Namespace, cancellationToken: TestKube.Ct)));
        await bob.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("mallory-reads", "Role", "secret-reader", User("mallory")), kube.Namespace, cancellationToken: TestKube.Ct);
        await ForbiddenAsync(() => bob.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("mallory-admin", "ClusterRole", "admin", User("mallory")), kube.Namespace, cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task Binding_ToARoleTheWriterHolds_IsAllowed_ButItsRoleRefCannotChange()
    {
        await using var kube = await StartAsync();
        await kube.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(Role("cm-reader", Rule(["get"], ["configmaps"])), kube.Namespace, cancellationToken: TestKube.Ct);
        await GrantAsync(kube, User("alice"), Rule(["create", "patch"], ["rolebindings"], "rbac.authorization.k8s.io"), Rule(["get", "list"], ["configmaps"]));
        using var alice = kube.Emulator.CreateClientAs("alice");

        await alice.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("bob-reads", "Role", "cm-reader", User("bob")), kube.Namespace, cancellationToken: TestKube.Ct);
        var error = await TestKube.ExpectStatusAsync(System.Net.HttpStatusCode.UnprocessableEntity, () => kube.Client.RbacAuthorizationV1.PatchNamespacedRoleBindingAsync(
            new V1Patch("""{"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"}}""", V1Patch.PatchType.MergePatch), "bob-reads", kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Contains("roleRef: Invalid value", error.Response.Content, StringComparison.Ordinal);
        Assert.Contains("cannot change roleRef", error.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AggregationRule_NeedsClusterAdminRights()
    {
        await using var kube = await StartAsync();
        await GrantClusterWideAsync(kube, User("alice"), Rule(["create"], ["clusterroles"], "rbac.authorization.k8s.io"));
        using var alice = kube.Emulator.CreateClientAs("alice");
        var aggregating = ClusterRole("collector");
        aggregating.AggregationRule = new V1AggregationRule { ClusterRoleSelectors = [new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["x"] = "y" } }] };

        Assert.Equal("clusterroles.rbac.authorization.k8s.io \"collector\" is forbidden: must have cluster-admin privileges to use the aggregationRule",
            await ForbiddenAsync(() => alice.RbacAuthorizationV1.CreateClusterRoleAsync(aggregating, cancellationToken: TestKube.Ct)));
        await kube.Client.RbacAuthorizationV1.CreateClusterRoleAsync(aggregating, cancellationToken: TestKube.Ct);
    }
}
