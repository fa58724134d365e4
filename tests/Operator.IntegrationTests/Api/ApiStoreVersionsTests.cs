using System.Net;

namespace Operator.IntegrationTests.Api;

/// <summary>
/// Versions through the API on each store that keeps them, through the wire-level fakes and the real SDK or HTTP
/// client: each value set through the API is a new store version (SSM and GCP numbers, a Key Vault version id, a Vault
/// KV v2 entry version), and every version the store keeps reads back as it was. The built-in store keeps only the
/// current one and says so with its own code.
/// </summary>
public sealed class ApiStoreVersionsTests
{
    private const string Canary1 = "canary-version-one-61f0";
    private const string Canary2 = "canary-version-two-9a2c";

    [Theory]
    [InlineData("aws")]
    [InlineData("gcp")]
    [InlineData("azure")]
    [InlineData("hashicorp")]
    public async Task EachValueSet_IsANewStoreVersion_AndEveryKeptVersionReadsBack(string provider)
    {
        await using var store = await StoreUnderTest.StartAsync(provider);
        var f = store.Fixture;
        var id = await CreateGroupAsync(store);

        // The version the API names is the store's own, read from the fake.
        var v1 = await SetAndReadVersionAsync(f, id, Canary1);
        Assert.Equal(store.CurrentVersion(), v1);
        var v2 = await SetAndReadVersionAsync(f, id, Canary2);
        Assert.Equal(store.CurrentVersion(), v2);
        Assert.NotEqual(v1, v2);
        foreach (var (version, value) in new[] { (v1, Canary1), (v2, Canary2) })
        {
            var (status, body) = await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{id}:K/versions/{version}", f.Bob);
            Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
            Assert.Equal((value, version, $"{id}:K@{version}"), ((string)body!["value"]!, (string)body["version"]!, (string)body["id"]!));
        }

        ApiFixture.AssertError(HttpStatusCode.NotFound, await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{id}:K/versions/{store.MissingVersion}", f.Bob), "not_found", "version");
        ApiFixture.AssertError(HttpStatusCode.Forbidden, await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{id}:K/versions/{v1}", f.Carol), "forbidden");
        Assert.DoesNotContain(f.Bodies, b => b.Contains(Canary1, StringComparison.Ordinal) && !b.Contains("\"value\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnSsmLabel_NamesTheVersionItIsOn()
    {
        await using var store = await StoreUnderTest.StartAsync("aws");
        var f = store.Fixture;
        var id = await CreateGroupAsync(store);
        var v1 = await SetAndReadVersionAsync(f, id, Canary1);
        await SetAndReadVersionAsync(f, id, Canary2);
        store.Ssm!.Label($"/tfy-secret/acme/{StoreUnderTest.Group}/K", long.Parse(v1, System.Globalization.CultureInfo.InvariantCulture), "last-known-good");

        var (status, body) = await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{id}:K/versions/last-known-good", f.Bob);

        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal((Canary1, v1), ((string)body!["value"]!, (string)body["version"]!));
        ApiFixture.AssertError(HttpStatusCode.NotFound, await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{id}:K/versions/no-such-label", f.Bob), "not_found", "version");

        // Not a label SSM would accept ("can't begin with a number, aws or ssm"): answered without asking the store.
        var calls = store.Ssm.CallCount("GetParameter");
        ApiFixture.AssertError(HttpStatusCode.NotFound, await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{id}:K/versions/aws-reserved", f.Bob), "not_found", "version");
        Assert.Equal(calls, store.Ssm.CallCount("GetParameter"));
    }

    [Fact]
    public async Task TheBuiltInStore_KeepsOnlyTheCurrentVersion_AndSaysSo()
    {
        await using var f = await ApiFixture.StartAsync();
        var id = await f.CreateAsync("current-only");
        var v1 = await SetAndReadVersionAsync(f, id, Canary1);
        var v2 = await SetAndReadVersionAsync(f, id, Canary2);

        Assert.Equal(Canary2, (string?)(await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{id}:K/versions/{v2}", f.Bob)).Body?["value"]);
        ApiFixture.AssertError(HttpStatusCode.NotFound, await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{id}:K/versions/{v1}", f.Bob), "version_not_kept", "keeps only the current version");
    }

    private static async Task<string> CreateGroupAsync(StoreUnderTest store)
    {
        var f = store.Fixture;
        var (created, group) = await f.SendAsync(HttpMethod.Put, "/v1/secret-groups", f.Admin, ApiFixture.Manifest(StoreUnderTest.Group, integration: store.Fqn));
        Assert.True(created == HttpStatusCode.OK, group?.ToJsonString());
        return (string)group!["id"]!;
    }

    private static async Task<string> SetAndReadVersionAsync(ApiFixture f, string id, string value)
    {
        var (set, body) = await f.SetAsync(id, f.Bob, ("K", value));
        Assert.True(set == HttpStatusCode.OK, body?.ToJsonString());
        var (status, secret) = await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{id}:K", f.Bob);
        Assert.True(status == HttpStatusCode.OK && (string?)secret?["value"] == value, secret?.ToJsonString());
        return (string)secret!["version"]!;
    }
}
