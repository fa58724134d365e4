using System.Net;
using static Operator.IntegrationTests.Api.ApiStoreVersions;

namespace Operator.IntegrationTests.Api;

/// <summary>
/// Versions on the built-in store, which keeps only the current one and says so with its own code. The stores that
/// keep history run <see cref="ApiStoreVersions"/> in their folders (Stores/&lt;Provider&gt;/*ApiTests).
/// </summary>
public sealed class ApiStoreVersionsTests
{
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
}
