using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Operator.RestApi;

namespace Operator.IntegrationTests.Api;

/// <summary>The secrets routes (list, get, versions, delete) and /openapi.json, through HTTPS as each role.</summary>
public sealed class SecretsApiTests
{
    private const string CanaryA = "canary-secrets-a-5b1e";
    private const string CanaryA2 = "canary-secrets-a2-77c0";
    private const string CanaryB = "canary-secrets-b-e93d";

    [Fact]
    public async Task ListingAGroupsSecrets_RightAfterTheCallersOwnWrite_ShowsIt_WhileTheWatchLags()
    {
        await using var f = await ApiFixture.StartAsync();
        var gid = await f.CreateAsync("lagging");
        using (f.H.Emulator.Faults.HoldWatchEvents("secretgroups"))
        {
            Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(gid, f.Bob, ("A", CanaryA))).Status);
            var (status, listed) = await f.SendAsync(HttpMethod.Get, $"/v1/secrets?secret_group_id={gid}", f.Carol);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(["A"], listed!["data"]!.AsArray().Select(s => (string)s!["name"]!));

            // No role still reads as nothing, not as 403 or 404.
            var (strangerStatus, stranger) = await f.SendAsync(HttpMethod.Get, $"/v1/secrets?secret_group_id={gid}", f.Dave);
            Assert.Equal(HttpStatusCode.OK, strangerStatus);
            Assert.Empty(stranger!["data"]!.AsArray());
        }
    }

    [Fact]
    public async Task Secrets_AreListedGotVersionedAndRemoved_ValuesOnlyForEditors()
    {
        await using var f = await ApiFixture.StartAsync();
        var gid = await f.CreateAsync("shop");
        Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(gid, f.Bob, ("A", CanaryA), ("B", CanaryB))).Status);
        var plain = new List<JsonNode?>();
        async Task<JsonNode?> Ok(HttpMethod method, string path, string credential, HttpStatusCode expected = HttpStatusCode.OK, bool valueResponse = false)
        {
            var (status, body) = await f.SendAsync(method, path, credential);
            Assert.True(status == expected, $"{method} {path}: expected {(int)expected}, got {(int)status} {body?.ToJsonString()}");
            if (!valueResponse)
            {
                plain.Add(body);
            }

            return body;
        }

        // Listing: keys for any role on the group, values only when asked and only for editors.
        var listed = (await Ok(HttpMethod.Get, $"/v1/secrets?secret_group_id={gid}", f.Carol))!;
        Assert.Equal(["A", "B"], listed["data"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Equal($"{gid}:A", (string?)listed["data"]![0]!["id"]);
        Assert.Equal("tfy-secret://acme:shop:A", (string?)listed["data"]![0]!["fqn"]);
        Assert.Equal(2, (int)listed["pagination"]!["total"]!);
        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SendAsync(HttpMethod.Get, $"/v1/secrets?secret_group_id={gid}&with_value=true", f.Carol), "forbidden", "secret-group-editor");
        var valued = (await Ok(HttpMethod.Get, $"/v1/secrets?secret_group_id={gid}&with_value=true", f.Bob, valueResponse: true))!;
        Assert.Equal([CanaryA, CanaryB], valued["data"]!.AsArray().Select(s => (string)s!["value"]!));
        var byFqn = (await Ok(HttpMethod.Get, "/v1/secrets?secret_fqns=tfy-secret://acme:shop:B,tfy-secret://acme:other:A", f.Admin))!;
        Assert.Equal(["B"], byFqn["data"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Empty((await Ok(HttpMethod.Get, "/v1/secrets", f.Dave))!["data"]!.AsArray());
        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Get, "/v1/secrets?with_value=yes", f.Bob), "validation_failed", "with_value");
        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Get, "/v1/secrets?with_value=true&limit=101", f.Bob), "validation_failed", "limit");
        Assert.Equal(["shop"], (await Ok(HttpMethod.Get, "/v1/secret-groups?search=SHO", f.Carol))!["data"]!.AsArray().Select(g => (string)g!["manifest"]!["name"]!));

        // One secret: its store version for every role on the group, its value for editors.
        var asViewer = (await Ok(HttpMethod.Get, $"/v1/secrets/{gid}:A", f.Carol))!;
        Assert.Null(asViewer["value"]);
        var v1 = (string)asViewer["version"]!;
        var asEditor = (await Ok(HttpMethod.Get, $"/v1/secrets/{gid}:A", f.Bob, valueResponse: true))!;
        Assert.Equal((CanaryA, v1), ((string)asEditor["value"]!, (string)asEditor["version"]!));
        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{gid}:A", f.Dave), "forbidden");
        ApiFixture.AssertError(HttpStatusCode.NotFound, await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{gid}:NOPE", f.Bob), "not_found", "NOPE");

        // A changed value is a new version; the built-in store keeps only the current one.
        Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(gid, f.Bob, ("A", CanaryA2), ("B", null))).Status);
        var v2 = (string)(await Ok(HttpMethod.Get, $"/v1/secrets/{gid}:A", f.Carol))!["version"]!;
        Assert.NotEqual(v1, v2);
        var version = (await Ok(HttpMethod.Get, $"/v1/secrets/{gid}:A/versions/{v2}", f.Bob, valueResponse: true))!;
        Assert.Equal((CanaryA2, v2, $"{gid}:A"), ((string)version["value"]!, (string)version["version"]!, (string)version["secretId"]!));
        ApiFixture.AssertError(HttpStatusCode.NotFound, await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{gid}:A/versions/{v1}", f.Bob), "version_not_kept", "keeps only the current version");
        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{gid}:A/versions/{v2}", f.Carol), "forbidden");

        // Removing one secret: editors only; the key leaves the group, the store keeps its value (Retain).
        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SendAsync(HttpMethod.Delete, $"/v1/secrets/{gid}:B", f.Carol), "forbidden");
        await Ok(HttpMethod.Delete, $"/v1/secrets/{gid}:B", f.Bob, HttpStatusCode.NoContent);
        Assert.Equal(["A"], (await f.H.GetGroupAsync(ApiFixture.Ns, "shop"))!.Spec.Secrets!.Select(s => s.Key));
        Assert.Equal(CanaryB, (await f.StoreValuesAsync("shop"))["B"]);
        ApiFixture.AssertError(HttpStatusCode.NotFound, await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{gid}:B", f.Bob), "not_found");
        await f.WaitForManagedAsync("shop", new() { ["A"] = CanaryA2 });

        foreach (var body in plain)
        {
            var text = body?.ToJsonString() ?? "";
            Assert.DoesNotContain("canary-secrets", text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String("canary-secrets"u8.ToArray())[..12], text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OpenApiDocument_DescribesExactlyTheServedRoutes_EachAuthenticated()
    {
        await using var f = await ApiFixture.StartAsync();

        var (status, doc) = await f.SendAsync(HttpMethod.Get, "/openapi.json", token: null);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("3.1.0", (string?)doc!["openapi"]);
        var documented = doc["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => $"{o.Key.ToUpperInvariant()} {p.Key}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var served = f.H.Host!.Services.GetRequiredService<SecretApiServer>().ServedRoutes
            .Where(r => r != $"GET {ApiRoutes.OpenApi}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(served, documented);
        Assert.Equal(9, documented.Count);
        var codes = doc["components"]!["schemas"]!["Error"]!["properties"]!["error"]!["properties"]!["code"]!["enum"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Equal(ApiErrors.Codes, codes);

        // Every documented operation is served, behind authentication; another method on its path is 405 naming the allowed ones.
        foreach (var operation in documented)
        {
            var (method, path) = (operation.Split(' ')[0], operation.Split(' ')[1].Replace("{id}", "x:K", StringComparison.Ordinal).Replace("{version}", "1", StringComparison.Ordinal));
            ApiFixture.AssertError(HttpStatusCode.Unauthorized, await f.SendAsync(new HttpMethod(method), path, token: null), "unauthenticated");
        }

        ApiFixture.AssertError(HttpStatusCode.MethodNotAllowed, await f.SendAsync(HttpMethod.Post, "/v1/secrets/x:K", f.Admin), "method_not_allowed", "answers GET, DELETE");
    }
}
