using Microsoft.Extensions.Time.Testing;
using Operator.References;
using Operator.Stores;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.Tests.Stores;

/// <summary>Vault tokens in production: a denial is not a bad token, old tokens are revoked, given tokens are renewed.</summary>
public sealed class VaultTokenTests
{
    private const string Entry = "tfy-secret/acme/app";
    private static readonly GroupFqn App = new("acme", "app");

    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task PolicyDenial_IsAccessDenied_AndBurnsNoAppRoleLogin()
    {
        await using var fake = await VaultFake.StartAsync();
        fake.ConfigureAppRole("r", "s", secretIdNumUses: 3);
        fake.DenyEntry("tfy-secret/acme/forbidden");
        fake.Seed(Entry, "K", "v");
        await using var store = VaultStores.Create(fake, VaultStores.AppRoleAuth("r", "s"));

        for (var i = 0; i < 5; i++)
        {
            var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(store.DefaultPath(new GroupFqn("acme", "forbidden"), "K"), CancellationToken.None));
            Assert.Equal(StoreErrorKind.AccessDenied, e.Kind);
        }

        Assert.Equal("v", (await store.ReadAsync(store.DefaultPath(App, "K"), CancellationToken.None))!.Text());
        Assert.Equal(1, fake.CallCount("login.approle"));
    }

    [Fact]
    public async Task ReloginAfterTheMaxTtl_RevokesTheOldToken()
    {
        var time = Clock();
        await using var fake = await VaultFake.StartAsync(time);
        fake.LoginTokenTtl = TimeSpan.FromHours(1);
        fake.LoginTokenMaxTtl = TimeSpan.FromMinutes(70);
        fake.ConfigureAppRole("r", "s");
        fake.Seed(Entry, "K", "v");
        await using var store = VaultStores.Create(fake, VaultStores.AppRoleAuth("r", "s"), time);
        await store.ReadAsync(store.DefaultPath(App, "K"), CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(45)); // renewal is capped at the 25 min left of the max TTL
        await store.ReadAsync(store.DefaultPath(App, "K"), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(20));
        await store.ReadAsync(store.DefaultPath(App, "K"), CancellationToken.None);

        Assert.Equal(2, fake.CallCount("login.approle"));
        Assert.Single(fake.RevokedTokens);
    }

    [Fact]
    public async Task GivenRenewableToken_IsRenewed_AndOutlivesItsFirstTtl()
    {
        var time = Clock();
        await using var fake = await VaultFake.StartAsync(time);
        fake.LoginTokenTtl = TimeSpan.FromHours(1);
        var token = fake.AddToken(TimeSpan.FromHours(1), renewable: true);
        fake.Seed(Entry, "K", "v");
        await using var store = VaultStores.Create(fake, VaultStores.TokenAuth(token), time);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("v", (await store.ReadAsync(store.DefaultPath(App, "K"), CancellationToken.None))!.Text());
            time.Advance(TimeSpan.FromMinutes(45));
        }

        Assert.True(fake.IsTokenValid(token));
        Assert.InRange(fake.CallCount("token.renew"), 1, 4);
    }

    [Fact]
    public async Task RevokedGivenToken_IsAuthenticationFailed_WithoutTheToken()
    {
        await using var fake = await VaultFake.StartAsync();
        var token = fake.AddToken();
        fake.Seed(Entry, "K", "value-canary");
        await using var store = VaultStores.Create(fake, VaultStores.TokenAuth(token));
        await store.ReadAsync(store.DefaultPath(App, "K"), CancellationToken.None);

        fake.RevokeAllTokens();
        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(store.DefaultPath(App, "K"), CancellationToken.None));

        Assert.Equal(StoreErrorKind.AuthenticationFailed, e.Kind);
        Assert.DoesNotContain(token, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("value-canary", e.ToString(), StringComparison.Ordinal);
    }
}
