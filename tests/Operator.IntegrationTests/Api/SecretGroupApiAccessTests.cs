using k8s;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Operator.Entities.V1Alpha1;

namespace Operator.IntegrationTests.Api;

public sealed class SecretGroupApiAccessTests
{
    private static string Url(string id) => $"/v1/secret-groups/{id}";

    [Fact]
    public async Task ApiIsNotServed_UnlessEnabled()
    {
        await using var h = await OperatorHarness.StartAsync();

        Assert.Null(h.Host!.Services.GetRequiredService<Operator.RestApi.SecretApiServer>().BaseAddress);
    }

    [Fact]
    public async Task EveryRole_GetsExactlyWhatItMayDo()
    {
        await using var f = await ApiFixture.StartAsync();
        var id = await f.CreateAsync("roles");

        // viewer (team:ml) and no role
        Assert.Equal(HttpStatusCode.OK, (await f.SendAsync(HttpMethod.Get, Url(id), f.Carol)).Status);
        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SendAsync(HttpMethod.Get, Url(id), f.Dave), "forbidden", "no role");
        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SetAsync(id, f.Carol, ("K", "v")), "forbidden", "secret-group-editor");
        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SetAsync(id, f.Dave, ("K", "v")), "forbidden");
        Assert.Empty(await f.StoreValuesAsync("roles"));

        // editor: values yes, manifest no
        Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(id, f.Bob, ("K", "v"))).Status);
        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SendAsync(HttpMethod.Put, "/v1/secret-groups", f.Bob, ApiFixture.Manifest("roles")), "forbidden", "secret-group-admin");

        // group admin: manifest update keeps the keys; creating a new group needs a tenant admin
        object[] fewer = [new { role_id = "secret-group-admin", subject = ApiFixture.AliceSubject }, new { role_id = "secret-group-viewer", subject = ApiFixture.DaveSubject }];
        var (status, updated) = await f.SendAsync(HttpMethod.Put, "/v1/secret-groups", f.Alice, ApiFixture.Manifest("roles", collaborators: fewer));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(id, (string?)updated!["id"]);
        var cr = (await f.H.GetGroupAsync(ApiFixture.Ns, "roles"))!;
        Assert.Equal([ApiFixture.AliceSubject, ApiFixture.DaveSubject], cr.Spec.Collaborators!.Select(c => c.Subject));
        Assert.Equal(["K"], cr.Spec.Secrets!.Select(s => s.Key));
        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SendAsync(HttpMethod.Put, "/v1/secret-groups", f.Alice, ApiFixture.Manifest("alices-own")), "forbidden", "tenant admin");
        Assert.Null(await f.H.GetGroupAsync(ApiFixture.Ns, "alices-own"));

        // dave is a viewer now, bob has no role any more
        await OperatorHarness.WaitForAsync(async () => (await f.SendAsync(HttpMethod.Get, Url(id), f.Dave)).Status == HttpStatusCode.OK, "dave may view");
        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SetAsync(id, f.Bob, ("K", "v2")), "forbidden");

        // tenant admin holds every role without being a collaborator
        Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(id, f.Admin, ("K", "v3"))).Status);
        Assert.Equal("v3", (await f.StoreValuesAsync("roles"))["K"]);
    }

    [Fact]
    public async Task List_PagesFiltersByFqn_AndShowsOnlyViewableGroups()
    {
        await using var f = await ApiFixture.StartAsync();
        object[] mlViewer = [new { role_id = "secret-group-viewer", subject = ApiFixture.MlTeam }];
        await f.CreateAsync("g1", mlViewer);
        await f.CreateAsync("g2", mlViewer);
        await f.CreateAsync("g3", [new { role_id = "secret-group-admin", subject = ApiFixture.AliceSubject }]);
        await OperatorHarness.WaitForAsync(async () => (int?)(await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", f.Admin)).Body?["pagination"]?["total"] == 3, "three groups listed");

        var (_, first) = await f.SendAsync(HttpMethod.Get, "/v1/secret-groups?limit=2", f.Admin);
        Assert.Equal(["g1", "g2"], first!["data"]!.AsArray().Select(g => (string)g!["manifest"]!["name"]!));
        Assert.Equal((3, 0, 2), ((int)first["pagination"]!["total"]!, (int)first["pagination"]!["offset"]!, (int)first["pagination"]!["limit"]!));
        var (_, second) = await f.SendAsync(HttpMethod.Get, "/v1/secret-groups?limit=2&offset=2", f.Admin);
        Assert.Equal(["g3"], second!["data"]!.AsArray().Select(g => (string)g!["manifest"]!["name"]!));
        Assert.Equal(100, (int)(await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", f.Admin)).Body!["pagination"]!["limit"]!);

        var (_, carol) = await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", f.Carol);
        Assert.Equal(["g1", "g2"], carol!["data"]!.AsArray().Select(g => (string)g!["manifest"]!["name"]!));
        Assert.Equal(2, (int)carol["pagination"]!["total"]!);
        var (daveStatus, dave) = await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", f.Dave);
        Assert.Equal(HttpStatusCode.OK, daveStatus);
        Assert.Empty(dave!["data"]!.AsArray());

        var (_, byFqn) = await f.SendAsync(HttpMethod.Get, "/v1/secret-groups?fqn=acme:g2", f.Carol);
        Assert.Equal("acme:g2", (string?)Assert.Single(byFqn!["data"]!.AsArray())!["fqn"]);
        Assert.Empty((await f.SendAsync(HttpMethod.Get, "/v1/secret-groups?fqn=acme:g3", f.Carol)).Body!["data"]!.AsArray());
        Assert.Empty((await f.SendAsync(HttpMethod.Get, "/v1/secret-groups?fqn=acme:nope", f.Admin)).Body!["data"]!.AsArray());

        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Get, "/v1/secret-groups?fqn=Not_An_Fqn", f.Admin), "validation_failed", "fqn");
        foreach (var bad in new[] { "limit=0", "limit=1001", "limit=x" })
        {
            ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Get, $"/v1/secret-groups?{bad}", f.Admin), "validation_failed", "limit");
        }

        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Get, "/v1/secret-groups?offset=-1", f.Admin), "validation_failed", "offset");
        Assert.Equal(HttpStatusCode.OK, (await f.SendAsync(HttpMethod.Get, "/v1/secret-groups?limit=1000&offset=0", f.Admin)).Status);
    }

    [Fact]
    public async Task Errors_AreJsonWithCodes_AndNameTheField()
    {
        await using var f = await ApiFixture.StartAsync();

        // 401
        ApiFixture.AssertError(HttpStatusCode.Unauthorized, await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", token: null), "unauthenticated", "Bearer");
        ApiFixture.AssertError(HttpStatusCode.Unauthorized, await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", "not-a-known-token"), "unauthenticated");
        ApiFixture.AssertError(HttpStatusCode.Unauthorized, await f.SendAsync(HttpMethod.Get, "/v1/secret-groups", token: null, apiKey: "no-such-key"), "unauthenticated", "X-Api-Key");
        ApiFixture.AssertError(HttpStatusCode.Unauthorized, await f.SendAsync(HttpMethod.Put, "/v1/secret-groups", token: null, body: ApiFixture.Manifest("x")), "unauthenticated");
        Assert.Null(await f.H.GetGroupAsync(ApiFixture.Ns, "x"));

        // 404
        ApiFixture.AssertError(HttpStatusCode.NotFound, await f.SendAsync(HttpMethod.Get, Url("no-such-id"), f.Admin), "not_found", "no-such-id");
        ApiFixture.AssertError(HttpStatusCode.NotFound, await f.SetAsync("no-such-id", f.Admin, ("K", "v")), "not_found");
        ApiFixture.AssertError(HttpStatusCode.NotFound, await f.SendAsync(HttpMethod.Delete, Url("no-such-id"), f.Admin), "not_found");

        // 409: the FQN belongs to a group in another namespace
        await f.H.CreateGroupAsync("team-b", "taken", []);
        // Wait (with side-effect-free GETs) until the API's cache knows the group in team-b; a PUT before that would create one.
        await OperatorHarness.WaitForAsync(
            async () => (await f.SendAsync(HttpMethod.Get, "/v1/secret-groups?fqn=acme:taken", f.Admin)).Body?["data"]?.AsArray().Count == 1,
            "the API to see the group in team-b");
        ApiFixture.AssertError(HttpStatusCode.Conflict, await f.SendAsync(HttpMethod.Put, "/v1/secret-groups", f.Admin, ApiFixture.Manifest("taken")), "conflict", "team-b");
        Assert.Null(await f.H.GetGroupAsync(ApiFixture.Ns, "taken"));

        // 422 on the manifest, each naming its field; nothing is created
        var fqn = f.H.FqnOf();
        (object Body, string Field)[] invalid =
        [
            (new { manifest = new { type = "wrong", name = "ok", integration_fqn = fqn } }, "manifest.type"),
            (new { manifest = new { type = "secret-group", name = "Bad_Name", integration_fqn = fqn } }, "manifest.name"),
            (new { manifest = new { type = "secret-group", name = "ok", integration_fqn = "nope" } }, "manifest.integration_fqn"),
            (new { manifest = new { type = "secret-group", name = "ok", integration_fqn = "other:kubernetes:local:secret-store:k8s-store" } }, "manifest.integration_fqn"),
            (new { manifest = new { type = "secret-group", name = "ok", integration_fqn = fqn, collaborators = new[] { new { role_id = "owner", subject = "user:a" } } } }, "manifest.collaborators[0].role_id"),
            (new { manifest = new { type = "secret-group", name = "ok", integration_fqn = fqn, collaborators = new[] { new { role_id = "secret-group-viewer", subject = "alice" } } } }, "manifest.collaborators[0].subject"),
            (new { dryRun = true }, "manifest"),
        ];
        foreach (var (body, field) in invalid)
        {
            ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Put, "/v1/secret-groups", f.Admin, body), "validation_failed", field + ":");
        }

        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Put, "/v1/secret-groups", f.Admin, rawBody: "{not json"), "validation_failed", "body");
        Assert.Null(await f.H.GetGroupAsync(ApiFixture.Ns, "ok"));

        // dryRun validates and answers with the would-be group, writing nothing
        var (dryStatus, dry) = await f.SendAsync(HttpMethod.Put, "/v1/secret-groups", f.Admin, new { manifest = new { type = "secret-group", name = "dry", integration_fqn = fqn }, dryRun = true });
        Assert.Equal(HttpStatusCode.OK, dryStatus);
        Assert.Equal("acme:dry", (string?)dry!["fqn"]);
        Assert.Null(await f.H.GetGroupAsync(ApiFixture.Ns, "dry"));

        // unknown route: still JSON
        ApiFixture.AssertError(HttpStatusCode.NotFound, await f.SendAsync(HttpMethod.Get, "/v2/nothing", f.Admin), "not_found");
    }

    [Fact]
    public async Task ApiKeys_AreLookedUpByHash_AndActAsTheirSubject()
    {
        await using var f = await ApiFixture.StartAsync();
        var id = await f.CreateAsync("keyed");
        await f.WriteApiKeyAsync("key-for-bob-123", ApiFixture.BobSubject);

        var (status, _) = await f.SetAsync(id, token: null, ("K", "v"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var (okStatus, _) = await f.SendAsync(HttpMethod.Put, Url(id), token: null, new { secrets = new[] { new { key = "K", value = "v" } } }, apiKey: "key-for-bob-123");
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal("v", (await f.StoreValuesAsync("keyed"))["K"]);

        // bob is an editor, not an admin; the wrong key is unknown
        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SendAsync(HttpMethod.Delete, Url(id), token: null, apiKey: "key-for-bob-123"), "forbidden");
        ApiFixture.AssertError(HttpStatusCode.Unauthorized, await f.SendAsync(HttpMethod.Get, Url(id), token: null, apiKey: "key-for-bob-124"), "unauthenticated");

        // the key itself is stored nowhere in clear
        var keys = await f.H.Client.CoreV1.ReadNamespacedSecretAsync("secretgroup-api-keys", OperatorHarness.OperatorNamespace);
        Assert.DoesNotContain(keys.Data.Keys, k => k.Contains("key-for-bob", StringComparison.Ordinal));
        Assert.DoesNotContain(f.H.AllLogs(), l => l.Contains("key-for-bob", StringComparison.Ordinal));
    }
}
