using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using static Operator.Testing.Tests.Rbac;

namespace Operator.Testing.Tests;

/// <summary>RBAC authorisation of every request: verbs, groups, resources, subresources, names, scopes, URLs.</summary>
public sealed class AuthorizationTests
{
    [Fact]
    public async Task UserWithoutBindings_IsForbidden_WithTheApiServersMessage()
    {
        await using var kube = await StartAsync();
        using var alice = kube.Emulator.CreateClientAs("alice");

        var error = await TestKube.ExpectStatusAsync(System.Net.HttpStatusCode.Forbidden,
            () => alice.CoreV1.ReadNamespacedSecretAsync("db", kube.Namespace, cancellationToken: TestKube.Ct));
        var status = JsonNode.Parse(error.Response.Content)!;

        Assert.Equal($"secrets \"db\" is forbidden: User \"alice\" cannot get resource \"secrets\" in API group \"\" in the namespace \"{kube.Namespace}\"", (string?)status["message"]);
        Assert.Equal("db", (string?)status["details"]?["name"]);
        Assert.Equal("secrets", (string?)status["details"]?["kind"]);
        Assert.Equal("secrets is forbidden: User \"alice\" cannot list resource \"secrets\" in API group \"\" at the cluster scope",
            await ForbiddenAsync(() => alice.CoreV1.ListSecretForAllNamespacesAsync(cancellationToken: TestKube.Ct)));
        Assert.Equal("customresourcedefinitions.apiextensions.k8s.io \"x\" is forbidden: User \"alice\" cannot delete resource \"customresourcedefinitions\" in API group \"apiextensions.k8s.io\" at the cluster scope",
            await ForbiddenAsync(() => alice.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("x", cancellationToken: TestKube.Ct)));
    }

    [Fact]
    public async Task RoleBinding_GrantsItsVerbs_InItsNamespaceOnly()
    {
        await using var kube = await StartAsync();
        await kube.CreateSecretAsync("db");
        await kube.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = kube.Namespace + "-b" } }, cancellationToken: TestKube.Ct);
        await GrantAsync(kube, User("alice"), Rule(["get", "list"], ["secrets"]));
        using var alice = kube.Emulator.CreateClientAs("alice");

        Assert.Equal("db", (await alice.CoreV1.ReadNamespacedSecretAsync("db", kube.Namespace, cancellationToken: TestKube.Ct)).Metadata.Name);
        Assert.Single((await alice.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct)).Items);
        Assert.Contains("cannot list resource \"secrets\" in API group \"\" in the namespace \"" + kube.Namespace + "-b\"",
            await ForbiddenAsync(() => alice.CoreV1.ListNamespacedSecretAsync(kube.Namespace + "-b", cancellationToken: TestKube.Ct)), StringComparison.Ordinal);
        Assert.Contains("cannot delete resource \"secrets\"",
            await ForbiddenAsync(() => alice.CoreV1.DeleteNamespacedSecretAsync("db", kube.Namespace, cancellationToken: TestKube.Ct)), StringComparison.Ordinal);
        Assert.NotNull(await kube.Client.CoreV1.ReadNamespacedSecretAsync("db", kube.Namespace, cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task ClusterRole_GrantsEverywhereThroughAClusterRoleBinding_ButOnlyInTheBindingsNamespaceThroughARoleBinding()
    {
        await using var kube = await StartAsync();
        await kube.Client.RbacAuthorizationV1.CreateClusterRoleAsync(ClusterRole("secret-reader", Rule(["list"], ["secrets"])), cancellationToken: TestKube.Ct);
        await kube.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("bob-reads", "ClusterRole", "secret-reader", User("bob")), kube.Namespace, cancellationToken: TestKube.Ct);
        await kube.Client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "carol-reads" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "secret-reader" },
            Subjects = [Group("auditors")],
        }, cancellationToken: TestKube.Ct);
        using var bob = kube.Emulator.CreateClientAs("bob");
        using var carol = kube.Emulator.CreateClientAs("carol", "auditors");

        await bob.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct);
        await ForbiddenAsync(() => bob.CoreV1.ListNamespacedSecretAsync("default", cancellationToken: TestKube.Ct));
        await ForbiddenAsync(() => bob.CoreV1.ListSecretForAllNamespacesAsync(cancellationToken: TestKube.Ct));
        await carol.CoreV1.ListNamespacedSecretAsync("default", cancellationToken: TestKube.Ct);
        await carol.CoreV1.ListSecretForAllNamespacesAsync(cancellationToken: TestKube.Ct);
    }

    [Fact]
    public async Task ApiGroupsAndWildcards_MatchAsRbacDefinesThem()
    {
        await using var kube = await StartAsync();
        await GrantAsync(kube, User("alice"), Rule(["get", "list"], ["*"], "apps"));
        await GrantAsync(kube, User("bob"), new V1PolicyRule { ApiGroups = ["*"], Resources = ["configmaps"], Verbs = ["*"] });
        using var alice = kube.Emulator.CreateClientAs("alice");
        using var bob = kube.Emulator.CreateClientAs("bob");

        await alice.AppsV1.ListNamespacedDeploymentAsync(kube.Namespace, cancellationToken: TestKube.Ct);
        await alice.AppsV1.ListNamespacedStatefulSetAsync(kube.Namespace, cancellationToken: TestKube.Ct);
        await ForbiddenAsync(() => alice.CoreV1.ListNamespacedConfigMapAsync(kube.Namespace, cancellationToken: TestKube.Ct));
        await ForbiddenAsync(() => alice.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("web", 1), kube.Namespace, cancellationToken: TestKube.Ct));
        await bob.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("settings"), kube.Namespace, cancellationToken: TestKube.Ct);
        await bob.CoreV1.DeleteNamespacedConfigMapAsync("settings", kube.Namespace, cancellationToken: TestKube.Ct);
        await ForbiddenAsync(() => bob.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task Subresources_AreSeparateResources_UnlessARuleNamesThemOrStarSlashThem()
    {
        await using var kube = await StartAsync();
        await kube.Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("web", 1), kube.Namespace, cancellationToken: TestKube.Ct);
        await kube.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "robot" } }, kube.Namespace, cancellationToken: TestKube.Ct);
        await GrantAsync(kube, User("alice"), Rule(["get", "patch"], ["deployments"], "apps"), Rule(["get"], ["serviceaccounts"]));
        await GrantAsync(kube, User("bob"), Rule(["patch"], ["deployments/status"], "apps"), Rule(["create"], ["serviceaccounts/token"]));
        await GrantAsync(kube, User("carol"), Rule(["patch"], ["*/status"], "apps"));
        using var alice = kube.Emulator.CreateClientAs("alice");
        using var bob = kube.Emulator.CreateClientAs("bob");
        using var carol = kube.Emulator.CreateClientAs("carol");
        var status = new V1Patch("""{"status":{"replicas":1}}""", V1Patch.PatchType.MergePatch);

        Assert.Contains("cannot patch resource \"deployments/status\" in API group \"apps\"",
            await ForbiddenAsync(() => alice.AppsV1.PatchNamespacedDeploymentStatusAsync(status, "web", kube.Namespace, cancellationToken: TestKube.Ct)), StringComparison.Ordinal);
        await bob.AppsV1.PatchNamespacedDeploymentStatusAsync(status, "web", kube.Namespace, cancellationToken: TestKube.Ct);
        await carol.AppsV1.PatchNamespacedDeploymentStatusAsync(status, "web", kube.Namespace, cancellationToken: TestKube.Ct);
        await ForbiddenAsync(() => bob.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"metadata":{"labels":{"a":"b"}}}""", V1Patch.PatchType.MergePatch), "web", kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Contains("cannot create resource \"serviceaccounts/token\" in API group \"\"",
            await ForbiddenAsync(() => AuthenticationTests.RequestTokenAsync(alice, kube.Namespace, "robot")), StringComparison.Ordinal);
        Assert.NotEmpty((await AuthenticationTests.RequestTokenAsync(bob, kube.Namespace, "robot")).Status.Token);
    }

    [Fact]
    public async Task ResourceNames_LimitGetUpdatePatchAndDelete_AndNeverMatchCreate()
    {
        await using var kube = await StartAsync();
        await kube.CreateSecretAsync("mine");
        await kube.CreateSecretAsync("theirs");
        await GrantAsync(kube, User("alice"), Rule(["get", "update", "patch", "delete", "create"], ["secrets"], names: ["mine", "new"]));
        using var alice = kube.Emulator.CreateClientAs("alice");
        var label = new V1Patch("""{"metadata":{"labels":{"touched":"yes"}}}""", V1Patch.PatchType.MergePatch);

        var mine = await alice.CoreV1.ReadNamespacedSecretAsync("mine", kube.Namespace, cancellationToken: TestKube.Ct);
        await alice.CoreV1.PatchNamespacedSecretAsync(label, "mine", kube.Namespace, cancellationToken: TestKube.Ct);
        await ForbiddenAsync(() => alice.CoreV1.ReadNamespacedSecretAsync("theirs", kube.Namespace, cancellationToken: TestKube.Ct));
        await ForbiddenAsync(() => alice.CoreV1.PatchNamespacedSecretAsync(label, "theirs", kube.Namespace, cancellationToken: TestKube.Ct));
        await ForbiddenAsync(() => alice.CoreV1.DeleteNamespacedSecretAsync("theirs", kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Equal("secrets is forbidden: User \"alice\" cannot create resource \"secrets\" in API group \"\" in the namespace \"" + kube.Namespace + "\"",
            await ForbiddenAsync(() => alice.CoreV1.CreateNamespacedSecretAsync(TestKube.Secret("new"), kube.Namespace, cancellationToken: TestKube.Ct)));
        await alice.CoreV1.DeleteNamespacedSecretAsync("mine", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.NotNull(mine);
        Assert.Null((await kube.Client.CoreV1.ReadNamespacedSecretAsync("theirs", kube.Namespace, cancellationToken: TestKube.Ct)).Metadata.Labels);
    }

    [Fact]
    public async Task ResourceNames_AllowListAndWatch_OnlyWithAMetadataNameFieldSelector()
    {
        await using var kube = await StartAsync();
        await kube.CreateSecretAsync("mine");
        await kube.CreateSecretAsync("theirs");
        await GrantAsync(kube, User("alice"), Rule(["list", "watch"], ["secrets"], names: ["mine"]));
        using var alice = kube.Emulator.CreateClientAs("alice");

        Assert.Equal("secrets is forbidden: User \"alice\" cannot list resource \"secrets\" in API group \"\" in the namespace \"" + kube.Namespace + "\"",
            await ForbiddenAsync(() => alice.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct)));
        var listed = await alice.CoreV1.ListNamespacedSecretAsync(kube.Namespace, fieldSelector: "metadata.name=mine", cancellationToken: TestKube.Ct);
        Assert.Equal(["mine"], listed.Items.Select(s => s.Metadata.Name));
        Assert.Contains("secrets \"theirs\" is forbidden: User \"alice\" cannot list",
            await ForbiddenAsync(() => alice.CoreV1.ListNamespacedSecretAsync(kube.Namespace, fieldSelector: "metadata.name=theirs", cancellationToken: TestKube.Ct)), StringComparison.Ordinal);
        await ForbiddenAsync(() => alice.CoreV1.ListNamespacedSecretAsync(kube.Namespace, fieldSelector: "metadata.name!=theirs", cancellationToken: TestKube.Ct));

        Assert.Contains("cannot watch resource \"secrets\"", await ForbiddenAsync(() => WatchOnceAsync(alice, kube.Namespace, null)), StringComparison.Ordinal);
        Assert.Equal("mine", await WatchOnceAsync(alice, kube.Namespace, "metadata.name=mine"));
    }

    [Fact]
    public async Task ServerSideApplyThatCreates_NeedsCreateAsWellAsPatch()
    {
        await using var kube = await StartAsync();
        await GrantAsync(kube, User("alice"), Rule(["patch"], ["configmaps"]));
        await GrantAsync(kube, User("bob"), Rule(["patch", "create"], ["configmaps"]));
        using var alice = kube.Emulator.CreateClientAs("alice");
        using var bob = kube.Emulator.CreateClientAs("bob");
        var apply = new V1Patch("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"a":"b"}}""", V1Patch.PatchType.ApplyPatch);

        Assert.StartsWith("configmaps \"settings\" is forbidden",
            await ForbiddenAsync(() => alice.CoreV1.PatchNamespacedConfigMapAsync(apply, "settings", kube.Namespace, fieldManager: "test", cancellationToken: TestKube.Ct)), StringComparison.Ordinal);
        await bob.CoreV1.PatchNamespacedConfigMapAsync(apply, "settings", kube.Namespace, fieldManager: "test", cancellationToken: TestKube.Ct);
        await alice.CoreV1.PatchNamespacedConfigMapAsync(apply, "settings", kube.Namespace, fieldManager: "test", cancellationToken: TestKube.Ct);
    }

    [Fact]
    public async Task NonResourceUrls_AreAuthorisedByPath_AndDiscoveryNeedsAnAuthenticatedUser()
    {
        await using var kube = await StartAsync();
        await GrantClusterWideAsync(kube, User("scraper"), Urls(["get"], "/metrics", "/debug/*"));
        using var http = new HttpClient { BaseAddress = kube.Emulator.BaseAddress };

        Assert.Equal(200, await StatusOfAsync(http, "/version", token: null));
        Assert.Equal(403, await StatusOfAsync(http, "/api", token: null));
        var alice = TokenFor(kube, "alice");
        Assert.Equal(200, await StatusOfAsync(http, "/api", alice));
        Assert.Equal(200, await StatusOfAsync(http, "/apis/apps/v1", alice));
        var refused = await http.SendAsync(Get("/metrics", alice), TestKube.Ct);
        Assert.Equal("forbidden: User \"alice\" cannot get path \"/metrics\"", (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync(TestKube.Ct))!["message"]);
        Assert.Equal(404, await StatusOfAsync(http, "/metrics", TokenFor(kube, "scraper"))); // allowed; the emulator serves nothing there
        Assert.Equal(404, await StatusOfAsync(http, "/debug/pprof", TokenFor(kube, "scraper")));
        Assert.Equal(403, await StatusOfAsync(http, "/debugger", TokenFor(kube, "scraper")));
    }

    [Fact]
    public async Task SystemMasters_MayDoAnything_WithoutABinding()
    {
        await using var kube = await StartAsync();
        using var root = kube.Emulator.CreateClientAs("root", "system:masters");

        await root.CoreV1.CreateNamespacedSecretAsync(TestKube.Secret("s"), kube.Namespace, cancellationToken: TestKube.Ct);
        await root.RbacAuthorizationV1.CreateClusterRoleAsync(ClusterRole("anything", new V1PolicyRule { ApiGroups = ["*"], Resources = ["*"], Verbs = ["*"] }), cancellationToken: TestKube.Ct);
    }

    [Fact]
    public async Task BindingToAMissingRole_GrantsNothing_AndTheDenialNamesTheRole()
    {
        await using var kube = await StartAsync();
        await kube.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("dangling", "Role", "ghost", User("alice")), kube.Namespace, cancellationToken: TestKube.Ct);
        using var alice = kube.Emulator.CreateClientAs("alice");

        Assert.EndsWith(": RBAC: role.rbac.authorization.k8s.io \"ghost\" not found",
            await ForbiddenAsync(() => alice.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct)), StringComparison.Ordinal);

        await kube.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(Role("ghost", Rule(["list"], ["secrets"])), kube.Namespace, cancellationToken: TestKube.Ct);
        await alice.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct);
        await kube.Client.RbacAuthorizationV1.DeleteNamespacedRoleBindingAsync("dangling", kube.Namespace, cancellationToken: TestKube.Ct);
        await ForbiddenAsync(() => alice.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task ServiceAccountSubjects_AndServiceAccountGroups_MatchItsTokens()
    {
        await using var kube = await StartAsync();
        await kube.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "robot" } }, kube.Namespace, cancellationToken: TestKube.Ct);
        await GrantAsync(kube, ServiceAccount(kube.Namespace, "robot"), Rule(["list"], ["secrets"]));
        await GrantAsync(kube, Group("system:serviceaccounts:" + kube.Namespace), Rule(["list"], ["configmaps"]));
        using var robot = kube.Emulator.CreateClient((await AuthenticationTests.RequestTokenAsync(kube.Client, kube.Namespace, "robot")).Status.Token);

        await robot.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct);
        await robot.CoreV1.ListNamespacedConfigMapAsync(kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Contains($"User \"system:serviceaccount:{kube.Namespace}:robot\" cannot list resource \"pods\"",
            await ForbiddenAsync(() => robot.CoreV1.ListNamespacedPodAsync(kube.Namespace, cancellationToken: TestKube.Ct)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Namespaces_AreAuthorisedInTheirOwnNamespace()
    {
        await using var kube = await StartAsync();
        await GrantAsync(kube, User("alice"), Rule(["get"], ["namespaces"]));
        using var alice = kube.Emulator.CreateClientAs("alice");

        await alice.CoreV1.ReadNamespaceAsync(kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal("namespaces \"default\" is forbidden: User \"alice\" cannot get resource \"namespaces\" in API group \"\" in the namespace \"default\"",
            await ForbiddenAsync(() => alice.CoreV1.ReadNamespaceAsync("default", cancellationToken: TestKube.Ct)));
    }

    [Fact]
    public async Task AggregatedClusterRoles_GainTheRulesOfTheRolesTheySelect()
    {
        await using var kube = await StartAsync();
        await kube.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("viewers", "ClusterRole", "view", User("alice")), kube.Namespace, cancellationToken: TestKube.Ct);
        await kube.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("admins", "ClusterRole", "admin", User("bob")), kube.Namespace, cancellationToken: TestKube.Ct);
        using var alice = kube.Emulator.CreateClientAs("alice");
        using var bob = kube.Emulator.CreateClientAs("bob");
        await alice.CoreV1.ListNamespacedConfigMapAsync(kube.Namespace, cancellationToken: TestKube.Ct);
        await ForbiddenAsync(() => alice.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct));
        await bob.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct); // admin includes edit
        await ForbiddenAsync(() => alice.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("d", 1), kube.Namespace, cancellationToken: TestKube.Ct));

        var extension = ClusterRole("widgets-view", Rule(["list"], ["widgets"], Widgets.Group));
        extension.Metadata.Labels = new Dictionary<string, string> { ["rbac.authorization.k8s.io/aggregate-to-view"] = "true" };
        await kube.Client.RbacAuthorizationV1.CreateClusterRoleAsync(extension, cancellationToken: TestKube.Ct);

        var view = await kube.Client.RbacAuthorizationV1.ReadClusterRoleAsync("view", cancellationToken: TestKube.Ct);
        Assert.Contains(view.Rules, r => r.Resources.Contains("widgets"));
        var admin = await kube.Client.RbacAuthorizationV1.ReadClusterRoleAsync("admin", cancellationToken: TestKube.Ct);
        Assert.Contains(admin.Rules, r => r.Resources.Contains("widgets"));
        await kube.Client.RbacAuthorizationV1.DeleteClusterRoleAsync("widgets-view", cancellationToken: TestKube.Ct);
        Assert.DoesNotContain((await kube.Client.RbacAuthorizationV1.ReadClusterRoleAsync("view", cancellationToken: TestKube.Ct)).Rules, r => r.Resources.Contains("widgets"));
    }

    private static async Task<string?> WatchOnceAsync(IKubernetes client, string ns, string? fieldSelector)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestKube.Ct);
        var response = client.CoreV1.ListNamespacedSecretWithHttpMessagesAsync(ns, fieldSelector: fieldSelector, watch: true, cancellationToken: cancel.Token);
#pragma warning disable CS0618 // the replacement needs a generated watch method per kind; this is what WatchTests uses too
        await foreach (var (_, secret) in response.WatchAsync<V1Secret, V1SecretList>(cancellationToken: cancel.Token))
#pragma warning restore CS0618
        {
            return secret.Metadata.Name;
        }

        return null;
    }

    private static HttpRequestMessage Get(string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static async Task<int> StatusOfAsync(HttpClient http, string path, string? token)
    {
        using var response = await http.SendAsync(Get(path, token), TestKube.Ct);
        return (int)response.StatusCode;
    }
}
