using System.Net;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Api;

/// <summary>Deletes you can undo or prevent: deletionPolicy, versions as preconditions, no empty list by accident.</summary>
public sealed class ApiDeletesTests
{
    [Fact]
    public async Task RemovedKey_KeepsItsStoreValueUnderRetain_AndComesBackWithoutAValue()
    {
        await using var f = await ApiFixture.StartAsync();
        var id = await f.CreateAsync("undo");
        Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(id, f.Bob, ("KEEP", "k"), ("GONE", "g"))).Status);
        await f.WaitForManagedAsync("undo", new() { ["KEEP"] = "k", ["GONE"] = "g" });

        Assert.Equal(HttpStatusCode.OK, (await f.SetAtAsync(id, f.Bob, await f.VersionAsync(id, f.Bob), ("KEEP", null))).Status);
        await f.WaitForManagedAsync("undo", new() { ["KEEP"] = "k" });
        Assert.Equal("g", (await f.StoreValuesAsync("undo"))["GONE"]);

        // Undo: the key, listed again without a value, finds its retained value.
        Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(id, f.Bob, ("KEEP", null), ("GONE", null))).Status);
        await f.WaitForManagedAsync("undo", new() { ["KEEP"] = "k", ["GONE"] = "g" });
    }

    [Fact]
    public async Task RemovedKey_IsDeletedFromTheStore_OnlyUnderDeletionPolicyDelete()
    {
        await using var f = await ApiFixture.StartAsync();
        await f.H.UpdateAsync<SecretStoreIntegration>(new ObjectKey(null, "k8s-store"), i => i.Spec.DeletionPolicy = DeletionPolicies.Delete);
        await StoreSafetyApiTests.WaitForIntegrationReadyAsync(f, "k8s-store");
        var id = await f.CreateAsync("purge");
        Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(id, f.Bob, ("KEEP", "k"), ("GONE", "g"))).Status);

        Assert.Equal(HttpStatusCode.OK, (await f.SetAtAsync(id, f.Bob, await f.VersionAsync(id, f.Bob), ("KEEP", null))).Status);

        Assert.Equal(new Dictionary<string, string> { ["KEEP"] = "k" }, await f.StoreValuesAsync("purge"));
        await f.WaitForManagedAsync("purge", new() { ["KEEP"] = "k" });
        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SetAsync(id, f.Bob, ("KEEP", null), ("GONE", null)), "validation_failed", "secrets[1].value");
    }

    [Fact]
    public async Task StaleVersion_Is409_AndChangesNothing()
    {
        await using var f = await ApiFixture.StartAsync();
        var id = await f.CreateAsync("stale");
        var (_, created) = await f.SendAsync(HttpMethod.Get, $"/v1/secret-groups/{id}", f.Bob);
        var before = (string)created!["resourceVersion"]!;
        Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(id, f.Bob, ("A", "a"))).Status);
        var storeVersion = await f.StoreVersionAsync("stale");

        // Both forms of the precondition: the body's resourceVersion and the If-Match header.
        ApiFixture.AssertError(HttpStatusCode.Conflict, await f.SetAtAsync(id, f.Bob, before, ("B", "b")), "stale", "resourceVersion");
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/secret-groups/{id}") { Content = JsonContent(new { secrets = new[] { new { key = "B", value = "b" } } }) };
        ApiFixture.Authenticate(request, f.Bob);
        request.Headers.IfMatch.Add(new($"\"{before}\""));
        using var response = await f.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        ApiFixture.AssertError(HttpStatusCode.Conflict, await DeleteAtAsync(f, id, before), "stale");

        Assert.Equal(storeVersion, await f.StoreVersionAsync("stale"));
        Assert.Equal(["A"], (await f.H.GetGroupAsync(ApiFixture.Ns, "stale"))!.Spec.Secrets!.Select(s => s.Key));

        // The version a write answers with is current: the next write at it succeeds, even after the sync wrote status.
        var (_, written) = await f.SetAtAsync(id, f.Bob, await f.VersionAsync(id, f.Bob), ("A", "a2"));
        await f.WaitForManagedAsync("stale", new() { ["A"] = "a2" });
        Assert.Equal(HttpStatusCode.OK, (await f.SetAtAsync(id, f.Bob, (string)written!["resourceVersion"]!, ("A", "a3"))).Status);
    }

    [Fact]
    public async Task ConcurrentPuts_AtOneVersion_OneWins_AndNeitherDeletesTheOthersKeys()
    {
        await using var f = await ApiFixture.StartAsync();
        var id = await f.CreateAsync("race");
        Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(id, f.Bob, ("BASE", "base"))).Status);
        var version = await f.VersionAsync(id, f.Bob);

        // Each adds its own key to the list it read; a last-writer-wins API would drop the other's key.
        var both = await Task.WhenAll(
            f.SetAtAsync(id, f.Bob, version, ("BASE", null), ("FROM_BOB", "b")),
            f.SetAtAsync(id, f.Alice, version, ("BASE", null), ("FROM_ALICE", "a")));

        Assert.True(
            both.Select(r => r.Status).Order().SequenceEqual([HttpStatusCode.OK, HttpStatusCode.Conflict]),
            $"expected one 200 and one 409, got {string.Join(" and ", both.Select(r => $"{(int)r.Status} {r.Body?.ToJsonString()}"))}");
        var keys = (await f.H.GetGroupAsync(ApiFixture.Ns, "race"))!.Spec.Secrets!.Select(s => s.Key).ToList();
        var winner = both.Single(r => r.Status == HttpStatusCode.OK).Body!["associatedSecrets"]!.AsArray().Select(s => (string)s!["name"]!).ToList();
        Assert.Equal(winner, keys);
        Assert.Equal(2, keys.Count);

        // The loser reads again and adds its key: both stay.
        var loserKey = keys.Contains("FROM_BOB") ? "FROM_ALICE" : "FROM_BOB";
        Assert.Equal(HttpStatusCode.OK, (await f.SetAtAsync(id, f.Bob, await f.VersionAsync(id, f.Bob), [.. keys.Select(k => (k, (string?)null)), (loserKey, "late")])).Status);
        Assert.Equal(3, (await f.H.GetGroupAsync(ApiFixture.Ns, "race"))!.Spec.Secrets!.Count);
    }

    [Fact]
    public async Task EmptyList_NeedsAllowEmpty_AndAVersion()
    {
        await using var f = await ApiFixture.StartAsync();
        var id = await f.CreateAsync("empty");
        Assert.Equal(HttpStatusCode.OK, (await f.SetAsync(id, f.Bob, ("A", "a"))).Status);
        var url = $"/v1/secret-groups/{id}";

        ApiFixture.AssertError(HttpStatusCode.UnprocessableEntity, await f.SendAsync(HttpMethod.Put, url, f.Bob, new { secrets = Array.Empty<object>() }), "validation_failed", "allowEmpty");
        ApiFixture.AssertError(HttpStatusCode.PreconditionRequired, await f.SendAsync(HttpMethod.Put, url, f.Bob, new { secrets = Array.Empty<object>(), allowEmpty = true }), "precondition_required");
        Assert.Equal(["A"], (await f.H.GetGroupAsync(ApiFixture.Ns, "empty"))!.Spec.Secrets!.Select(s => s.Key));

        var (status, emptied) = await f.SendAsync(HttpMethod.Put, url, f.Bob, new { secrets = Array.Empty<object>(), allowEmpty = true, resourceVersion = await f.VersionAsync(id, f.Bob) });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(emptied!["associatedSecrets"]!.AsArray());
        Assert.Null((await f.H.GetGroupAsync(ApiFixture.Ns, "empty"))!.Spec.Secrets);
        Assert.Equal("a", (await f.StoreValuesAsync("empty"))["A"]);
    }

    private static async Task<(HttpStatusCode, System.Text.Json.Nodes.JsonNode?)> DeleteAtAsync(ApiFixture f, string id, string version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/v1/secret-groups/{id}");
        ApiFixture.Authenticate(request, f.Alice);
        request.Headers.IfMatch.Add(new($"\"{version}\""));
        using var response = await f.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : System.Text.Json.Nodes.JsonNode.Parse(text));
    }

    private static StringContent JsonContent(object body) => new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
