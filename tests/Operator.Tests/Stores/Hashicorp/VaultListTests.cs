using Operator.Stores;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.Tests.Stores;

/// <summary>find on Vault KV v2: LIST metadata folders (sub-folders followed), each entry found read once.</summary>
public sealed class VaultListTests
{
    private static ListQuery Query(string prefix, int limit = 100) => new(prefix, _ => true, new Dictionary<string, string>(), limit);

    [Fact]
    public async Task FolderPrefix_ListsEveryEntrysFields_FollowingSubFolders_OneReadPerEntry()
    {
        await using var fake = await VaultFake.StartAsync();
        await using var store = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken));
        fake.Seed("tfy-secret/shared/db", "user", "alice");
        fake.Seed("tfy-secret/shared/db", "pass", "pw");
        fake.Seed("tfy-secret/shared/api/stripe", "key", "sk");
        fake.Seed("tfy-secret/shared-not/x", "k", "outside");
        fake.Seed("tfy-secret/other/y", "k", "outside");

        var found = await store.ListAsync(Query("tfy-secret/shared/"), CancellationToken.None);

        Assert.Equal(["api/stripe#key", "db#pass", "db#user"], found.Select(f => f.Name));
        Assert.Equal(["sk", "pw", "alice"], found.Select(f => f.Value!.Text()));
        Assert.Equal("tfy-secret/shared/db#user", found[2].Path);
        Assert.Equal((2, 2), (fake.CallCount("kv.list"), fake.CallCount("kv.read")));

        // A prefix inside a name (the name is what follows it); the limit stops reading.
        Assert.Equal(["b#pass"], (await store.ListAsync(Query("tfy-secret/shared/d", limit: 1), CancellationToken.None)).Select(f => f.Name));
        Assert.Empty(await store.ListAsync(Query("tfy-secret/nothing/"), CancellationToken.None));
    }

    [Fact]
    public async Task ADeniedFolder_IsAccessDenied()
    {
        await using var fake = await VaultFake.StartAsync();
        await using var store = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken));
        fake.Seed("tfy-secret/locked/db", "user", "alice");
        fake.DenyEntry("tfy-secret/locked");

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ListAsync(Query("tfy-secret/locked/"), CancellationToken.None));

        Assert.Equal(StoreErrorKind.AccessDenied, e.Kind);
    }
}
