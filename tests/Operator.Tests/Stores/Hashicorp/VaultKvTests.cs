using System.Text.Json.Nodes;
using Operator.References;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.Tests.Stores;

/// <summary>Vault KV v2 entries shared with other writers: JSON types survive the operator's writes; namespaces are separate.</summary>
public sealed class VaultKvTests
{
    private const string Entry = "tfy-secret/acme/app";
    private static readonly GroupFqn App = new("acme", "app");

    [Fact]
    public async Task WriteAndDelete_KeepTheOtherFieldsJsonTypes()
    {
        await using var fake = await VaultFake.StartAsync();
        fake.Seed(Entry, "PORT", JsonValue.Create(5432));
        fake.Seed(Entry, "TLS", JsonValue.Create(true));
        fake.Seed(Entry, "OPTIONS", new JsonObject { ["pool"] = 10, ["hosts"] = new JsonArray("a", "b") });
        await using var store = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken));

        await store.WriteAsync(store.DefaultPath(App, "PASSWORD"), "pw", CancellationToken.None);
        await store.WriteAsync(store.DefaultPath(App, "TEMP"), "t", CancellationToken.None);
        await store.DeleteAsync(store.DefaultPath(App, "TEMP"), CancellationToken.None);

        var data = fake.GetJson(Entry)!;
        Assert.Equal("""{"PORT":5432,"TLS":true,"OPTIONS":{"pool":10,"hosts":["a","b"]},"PASSWORD":"pw"}""", data.ToJsonString());
        Assert.Equal("5432", (await store.ReadAsync(store.DefaultPath(App, "PORT"), CancellationToken.None))!.Text());
        Assert.Equal("""{"pool":10,"hosts":["a","b"]}""", (await store.ReadAsync(store.DefaultPath(App, "OPTIONS"), CancellationToken.None))!.Text());
    }

    [Fact]
    public async Task Namespaces_HoldSeparateEntries()
    {
        await using var fake = await VaultFake.StartAsync();
        await using var teamA = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken), customize: s => s.Namespace = "team-a");
        await using var teamB = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken), customize: s => s.Namespace = "team-b");

        await teamA.WriteAsync(teamA.DefaultPath(App, "K"), "in-a", CancellationToken.None);

        Assert.Equal("in-a", (await teamA.ReadAsync(teamA.DefaultPath(App, "K"), CancellationToken.None))!.Text());
        Assert.Null(await teamB.ReadAsync(teamB.DefaultPath(App, "K"), CancellationToken.None));
        Assert.Null(fake.Get(Entry));
        Assert.Equal("in-a", fake.Get(Entry, vaultNamespace: "team-a")!["K"]);
    }

    [Fact]
    public async Task ATokenOfOneNamespace_DoesNotWorkInAnother()
    {
        await using var fake = await VaultFake.StartAsync();
        var token = fake.AddToken(vaultNamespace: "team-a");
        await using var sibling = VaultStores.Create(fake, VaultStores.TokenAuth(token), customize: s => s.Namespace = "team-b");
        await using var child = VaultStores.Create(fake, VaultStores.TokenAuth(token), customize: s => s.Namespace = "team-a/apps");

        await child.WriteAsync(child.DefaultPath(App, "K"), "v", CancellationToken.None);
        await Assert.ThrowsAsync<Operator.Stores.SecretStoreException>(() => sibling.ReadAsync(sibling.DefaultPath(App, "K"), CancellationToken.None));
    }
}
