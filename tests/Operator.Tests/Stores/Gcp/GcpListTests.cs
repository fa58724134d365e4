using Operator.References;
using Operator.Stores;
using Operator.Stores.Gcp;

namespace Operator.Tests.Stores;

/// <summary>find on Secret Manager: secrets.list filtered server-side by name and labels, paged by nextPageToken.</summary>
public sealed class GcpListTests
{
    [Fact]
    public async Task Listing_FiltersByLabels_FollowsNextPageToken_AndNamesGroupKeysByTheirKey()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        var group = new GroupFqn("acme", "app");
        for (var i = 0; i < 120; i++)
        {
            var id = GcpSecretIds.DefaultId(group, $"KEY_{i:D3}");
            f.Fake.Seed(id, $"v{i}");
            if (i % 3 == 0)
            {
                f.Fake.SetLabels(id, new Dictionary<string, string> { ["team"] = "payments" });
            }
        }

        f.Fake.Seed(GcpSecretIds.DefaultId(new GroupFqn("acme", "other"), "KEY_000"), "not this group's");
        var prefix = GcpSecretIds.DefaultId(group, "");

        var all = await f.Store.ListAsync(new ListQuery(prefix, _ => true, new Dictionary<string, string>(), 500), CancellationToken.None);
        Assert.Equal(120, all.Count);
        Assert.Equal("KEY_000", all[0].Name);
        Assert.Equal(2, f.Fake.CallCount("list"));

        var tagged = await f.Store.ListAsync(new ListQuery(prefix, n => n.EndsWith('0'), new Dictionary<string, string> { ["team"] = "payments" }, 500), CancellationToken.None);
        Assert.Equal(["KEY_000", "KEY_030", "KEY_060", "KEY_090"], tagged.Select(l => l.Name));
        Assert.Equal("v30", (await f.Store.ReadManyAsync([tagged[1].Path], CancellationToken.None))[tagged[1].Path].Text());

        var bad = await Assert.ThrowsAsync<SecretStoreException>(() => f.Store.ListAsync(new ListQuery(prefix, _ => true, new Dictionary<string, string> { ["Team"] = "x y" }, 5), CancellationToken.None));
        Assert.Equal(StoreErrorKind.InvalidPath, bad.Kind);
    }
}
