using System.Net;

namespace Operator.IntegrationTests.Api;

/// <summary>
/// Versions through the API on a store that keeps them (each store's folder runs it on its fake, through the real SDK
/// or HTTP client): each value set through the API is a new version as the store itself names it, and every version
/// the store keeps reads back as it was, for editors only.
/// </summary>
internal static class ApiStoreVersions
{
    public const string Canary1 = "canary-version-one-61f0";
    public const string Canary2 = "canary-version-two-9a2c";

    public static async Task EachValueSet_IsANewStoreVersion_AndEveryKeptVersionReadsBackAsync(StoreUnderTest store)
    {
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

    /// <summary>Creates group <see cref="StoreUnderTest.Group"/> on the store's integration; returns its id.</summary>
    public static async Task<string> CreateGroupAsync(StoreUnderTest store)
    {
        var f = store.Fixture;
        var (created, group) = await f.SendAsync(HttpMethod.Put, "/v1/secret-groups", f.Admin, ApiFixture.Manifest(StoreUnderTest.Group, integration: store.Fqn));
        Assert.True(created == HttpStatusCode.OK, group?.ToJsonString());
        return (string)group!["id"]!;
    }

    /// <summary>Sets K to <paramref name="value"/> as the editor and returns the version the API then names for K.</summary>
    public static async Task<string> SetAndReadVersionAsync(ApiFixture f, string id, string value)
    {
        var (set, body) = await f.SetAsync(id, f.Bob, ("K", value));
        Assert.True(set == HttpStatusCode.OK, body?.ToJsonString());
        var (status, secret) = await f.SendAsync(HttpMethod.Get, $"/v1/secrets/{id}:K", f.Bob);
        Assert.True(status == HttpStatusCode.OK && (string?)secret?["value"] == value, secret?.ToJsonString());
        return (string)secret!["version"]!;
    }
}
