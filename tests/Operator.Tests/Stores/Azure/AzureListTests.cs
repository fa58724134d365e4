using Operator.Stores;
using Operator.Stores.Azure;
using Operator.Testing.Stores.Azure;

namespace Operator.Tests.Stores;

/// <summary>find on Key Vault: list pages of 25 (nextLink), filtered by name prefix and tags, disabled secrets left out.</summary>
public sealed class AzureListTests
{
    [Fact]
    public async Task Listing_FollowsNextLink_FiltersByTags_AndNamesGroupKeysByTheirKey()
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        await using var store = AzureFakeClients.Create(fake);
        for (var i = 0; i < 30; i++)
        {
            fake.Seed(AzureSecretNames.Encode("acme", "app", $"KEY_{i:D2}"), $"v{i}", i % 2 == 0 ? new Dictionary<string, string> { ["team"] = "payments" } : null);
        }

        fake.Seed("acme--other--k", "x", new Dictionary<string, string> { ["team"] = "payments" });
        fake.Disable(AzureSecretNames.Encode("acme", "app", "KEY_00"));
        var prefix = AzureSecretNames.Encode("acme", "app", "k")[..^1];

        var tagged = await store.ListAsync(new ListQuery(prefix, _ => true, new Dictionary<string, string> { ["team"] = "payments" }, 100), CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, 14).Select(i => $"KEY_{i * 2:D2}"), tagged.Select(l => l.Name));
        Assert.All(tagged, l => Assert.Null(l.Value));
        Assert.Equal(2, fake.CallCount("list"));
        var values = await store.ReadManyAsync([.. tagged.Select(l => l.Path)], CancellationToken.None);
        Assert.Equal("v2", values[tagged[0].Path].Text());

        var limited = await store.ListAsync(new ListQuery(prefix, n => n.EndsWith('1'), new Dictionary<string, string>(), 2), CancellationToken.None);
        Assert.Equal(["KEY_01", "KEY_11"], limited.Select(l => l.Name));
    }
}
