using k8s;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using k8s.Models;
using static Operator.Testing.Tests.Rbac;

namespace Operator.Testing.Tests;

/// <summary>Impersonate-User / -Group / -Uid / -Extra-* headers: allowed only to who may <c>impersonate</c> each of them.</summary>
public sealed class ImpersonationTests
{
    [Fact]
    public async Task Admin_ActsAsTheImpersonatedUser_WhoseOwnRightsThenApply()
    {
        await using var kube = await StartAsync();
        await GrantAsync(kube, User("alice"), Rule(["list"], ["configmaps"]));
        using var http = Http(kube);

        var me = await WhoAmIAsync(http, kube.Emulator.AdminToken, ("Impersonate-User", "alice"));
        Assert.Equal("alice", (string?)me["username"]);
        Assert.Equal(["system:authenticated"], Groups(me));
        Assert.Equal(200, await StatusAsync(http, $"/api/v1/namespaces/{kube.Namespace}/configmaps", kube.Emulator.AdminToken, ("Impersonate-User", "alice")));
        var (code, message) = await SendAsync(http, $"/api/v1/namespaces/{kube.Namespace}/secrets", kube.Emulator.AdminToken, ("Impersonate-User", "alice"));
        Assert.Equal(403, code);
        Assert.Contains("User \"alice\" cannot list resource \"secrets\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserWithoutImpersonateRights_IsForbidden_NamingWhatTheyTriedToImpersonate()
    {
        await using var kube = await StartAsync();
        var bob = TokenFor(kube, "bob");
        using var http = Http(kube);

        var (code, message) = await SendAsync(http, "/api/v1/namespaces", bob, ("Impersonate-User", "alice"));
        Assert.Equal(403, code);
        Assert.Equal("users \"alice\" is forbidden: User \"bob\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope", message);
        (code, message) = await SendAsync(http, "/api/v1/namespaces", bob, ("Impersonate-User", $"system:serviceaccount:{kube.Namespace}:robot"));
        Assert.Equal(403, code);
        Assert.Equal($"serviceaccounts \"robot\" is forbidden: User \"bob\" cannot impersonate resource \"serviceaccounts\" in API group \"\" in the namespace \"{kube.Namespace}\"", message);
    }

    [Fact]
    public async Task ImpersonateRights_AreCheckedPerUserGroupUidAndExtra_InThatOrder()
    {
        await using var kube = await StartAsync();
        await GrantClusterWideAsync(kube, User("bob"),
            Rule(["impersonate"], ["users"], names: ["alice"]),
            Rule(["impersonate"], ["groups"], names: ["dev"]),
            Rule(["impersonate"], ["uids"], "authentication.k8s.io", ["u-1"]),
            Rule(["impersonate"], ["userextras/scopes"], "authentication.k8s.io", ["read"]));
        var bob = TokenFor(kube, "bob");
        using var http = Http(kube);

        var me = await WhoAmIAsync(http, bob, ("Impersonate-User", "alice"), ("Impersonate-Group", "dev"), ("Impersonate-Uid", "u-1"), ("Impersonate-Extra-Scopes", "read"));
        Assert.Equal("alice", (string?)me["username"]);
        Assert.Equal("u-1", (string?)me["uid"]);
        Assert.Equal(["dev", "system:authenticated"], Groups(me));
        Assert.Equal("read", (string?)me["extra"]?["scopes"]?[0]);

        Assert.StartsWith("users \"carol\" is forbidden", (await SendAsync(http, "/version", bob, ("Impersonate-User", "carol"), ("Impersonate-Group", "ops"))).Message, StringComparison.Ordinal);
        Assert.Equal("groups \"ops\" is forbidden: User \"bob\" cannot impersonate resource \"groups\" in API group \"\" at the cluster scope",
            (await SendAsync(http, "/version", bob, ("Impersonate-User", "alice"), ("Impersonate-Group", "ops"))).Message);
        Assert.StartsWith("uids.authentication.k8s.io \"u-2\" is forbidden",
            (await SendAsync(http, "/version", bob, ("Impersonate-User", "alice"), ("Impersonate-Uid", "u-2"))).Message, StringComparison.Ordinal);
        Assert.Equal("userextras.authentication.k8s.io \"write\" is forbidden: User \"bob\" cannot impersonate resource \"userextras/scopes\" in API group \"authentication.k8s.io\" at the cluster scope",
            (await SendAsync(http, "/version", bob, ("Impersonate-User", "alice"), ("Impersonate-Extra-Scopes", "write"))).Message);
    }

    [Fact]
    public async Task ImpersonatedServiceAccount_GetsItsGroups_AndGroupsWithoutAUserAreAnError()
    {
        await using var kube = await StartAsync();
        await GrantAsync(kube, User("bob"), Rule(["impersonate"], ["serviceaccounts"], names: ["robot"]));
        using var http = Http(kube);

        var me = await WhoAmIAsync(http, TokenFor(kube, "bob"), ("Impersonate-User", $"system:serviceaccount:{kube.Namespace}:robot"));
        Assert.Equal(["system:serviceaccounts", $"system:serviceaccounts:{kube.Namespace}", "system:authenticated"], Groups(me));
        Assert.Equal(500, (await SendAsync(http, "/version", kube.Emulator.AdminToken, ("Impersonate-Group", "dev"))).Code);
    }

    private static HttpClient Http(TestKube kube) => new() { BaseAddress = kube.Emulator.BaseAddress };

    private static List<string?> Groups(JsonNode me) => (me["groups"] as JsonArray)!.Select(g => (string?)g).ToList();

    private static async Task<JsonNode> WhoAmIAsync(HttpClient http, string token, params (string Name, string Value)[] headers)
    {
        var request = Request(HttpMethod.Post, "/apis/authentication.k8s.io/v1/selfsubjectreviews", token, headers);
        request.Content = new StringContent("""{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}""", new MediaTypeHeaderValue("application/json"));
        using var response = await http.SendAsync(request, TestKube.Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestKube.Ct))!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body["status"]!["userInfo"]!;
    }

    private static async Task<int> StatusAsync(HttpClient http, string path, string token, params (string Name, string Value)[] headers) =>
        (await SendAsync(http, path, token, headers)).Code;

    private static async Task<(int Code, string Message)> SendAsync(HttpClient http, string path, string token, params (string Name, string Value)[] headers)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Get, path, token, headers), TestKube.Ct);
        var text = await response.Content.ReadAsStringAsync(TestKube.Ct);
        var message = response.IsSuccessStatusCode ? "" : (string?)JsonNode.Parse(text)?["message"] ?? "";
        return ((int)response.StatusCode, message);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token, (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return request;
    }
}
