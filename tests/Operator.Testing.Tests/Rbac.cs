using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Testing.Kube;

namespace Operator.Testing.Tests;

/// <summary>Builders for RBAC tests: an enforcing emulator, rules, roles and bindings written as the admin.</summary>
internal static class Rbac
{
    public static Task<TestKube> StartAsync(KubeApiEmulatorOptions? options = null) =>
        TestKube.StartAsync((options ?? new KubeApiEmulatorOptions()) with { EnforceRbac = true });

    public static V1PolicyRule Rule(string[] verbs, string[] resources, string group = "", string[]? names = null) =>
        new() { Verbs = verbs, ApiGroups = [group], Resources = resources, ResourceNames = names };

    public static V1PolicyRule Urls(string[] verbs, params string[] urls) => new() { Verbs = verbs, NonResourceURLs = urls };

    public static V1Role Role(string name, params V1PolicyRule[] rules) => new() { Metadata = new V1ObjectMeta { Name = name }, Rules = rules };

    public static V1ClusterRole ClusterRole(string name, params V1PolicyRule[] rules) => new() { Metadata = new V1ObjectMeta { Name = name }, Rules = rules };

    public static Rbacv1Subject User(string name) => new() { Kind = "User", Name = name, ApiGroup = "rbac.authorization.k8s.io" };

    public static Rbacv1Subject Group(string name) => new() { Kind = "Group", Name = name, ApiGroup = "rbac.authorization.k8s.io" };

    public static Rbacv1Subject ServiceAccount(string ns, string name) => new() { Kind = "ServiceAccount", Name = name, NamespaceProperty = ns };

    public static V1RoleBinding RoleBinding(string name, string roleKind, string role, params Rbacv1Subject[] subjects) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = roleKind, Name = role },
        Subjects = subjects,
    };

    /// <summary>As the admin: a Role with <paramref name="rules"/> in the test namespace, bound to <paramref name="subject"/>.</summary>
    public static async Task GrantAsync(TestKube kube, Rbacv1Subject subject, params V1PolicyRule[] rules)
    {
        var name = "grant-" + Guid.NewGuid().ToString("N")[..6];
        await kube.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(Role(name, rules), kube.Namespace, cancellationToken: TestKube.Ct);
        await kube.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding(name, "Role", name, subject), kube.Namespace, cancellationToken: TestKube.Ct);
    }

    /// <summary>As the admin: a ClusterRole with <paramref name="rules"/>, bound cluster-wide to <paramref name="subject"/>.</summary>
    public static async Task GrantClusterWideAsync(TestKube kube, Rbacv1Subject subject, params V1PolicyRule[] rules)
    {
        var name = "grant-" + Guid.NewGuid().ToString("N")[..6];
        await kube.Client.RbacAuthorizationV1.CreateClusterRoleAsync(ClusterRole(name, rules), cancellationToken: TestKube.Ct);
        await kube.Client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(
            new V1ClusterRoleBinding { Metadata = new V1ObjectMeta { Name = name }, RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = name }, Subjects = [subject] },
            cancellationToken: TestKube.Ct);
    }

    /// <summary>A bearer token registered for <paramref name="user"/>, for raw HTTP requests.</summary>
    public static string TokenFor(TestKube kube, string user)
    {
        var token = "t-" + user + "-" + Guid.NewGuid().ToString("N");
        kube.Emulator.RegisterToken(token, user);
        return token;
    }

    /// <summary>The 403 <paramref name="call"/> gets, as the Status message.</summary>
    public static async Task<string> ForbiddenAsync(Func<Task> call)
    {
        var error = await TestKube.ExpectStatusAsync(System.Net.HttpStatusCode.Forbidden, call);
        var status = JsonNode.Parse(error.Response.Content)!;
        Assert.Equal("Forbidden", (string?)status["reason"]);
        Assert.Equal(403, (int?)status["code"]);
        return (string?)status["message"] ?? "";
    }

    /// <summary>The status code of <paramref name="call"/>: 200 when it succeeds.</summary>
    public static async Task<int> CodeOfAsync(Func<Task> call)
    {
        try
        {
            await call();
            return 200;
        }
        catch (HttpOperationException e)
        {
            return (int)e.Response.StatusCode;
        }
    }
}
