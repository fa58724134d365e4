using Microsoft.Extensions.Time.Testing;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;
using Operator.Stores.Hashicorp;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.Tests.Stores;

/// <summary>What the Vault store does beyond the conformance suite: logins, renewal, re-login, namespaces, check-and-set.</summary>
public sealed class VaultStoreTests
{
    private const string Entry = "tfy-secret/acme/app";
    private static readonly GroupFqn App = new("acme", "app");

    private static string PathOf(ISecretStore store, string key) => store.DefaultPath(App, key);

    [Fact]
    public async Task DefaultPath_IsOneEntryPerGroup_WithKeysAsFields()
    {
        await using var fake = await VaultFake.StartAsync();
        await using var rooted = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken));
        await using var bare = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken), customize: s => s.RootPath = "");

        Assert.Equal("tfy-secret/acme/app#API_KEY", PathOf(rooted, "API_KEY"));
        Assert.Equal("acme/app#API_KEY", PathOf(bare, "API_KEY"));
    }

    [Fact]
    public async Task AppRoleLogin_IsUsedForReads_AndHappensOnce()
    {
        await using var fake = await VaultFake.StartAsync();
        fake.ConfigureAppRole("operator-role", "secret-id-1");
        fake.Seed(Entry, "API_KEY", "v1");
        await using var store = VaultStores.Create(fake, VaultStores.AppRoleAuth("operator-role", "secret-id-1"));

        Assert.Equal("v1", (await store.ReadAsync(PathOf(store, "API_KEY"), CancellationToken.None))!.Text());
        Assert.Equal("v1", (await store.ReadAsync(PathOf(store, "API_KEY"), CancellationToken.None))!.Text());
        await store.ValidateAsync(CancellationToken.None);

        Assert.Equal(1, fake.CallCount("login.approle"));
        Assert.DoesNotContain(fake.Requests, r => r.StatusCode == 403);
    }

    [Fact]
    public async Task AppRoleLogin_Refused_IsAuthenticationFailed_WithoutTheSecretId()
    {
        await using var fake = await VaultFake.StartAsync();
        fake.ConfigureAppRole("operator-role", "secret-id-1");
        await using var store = VaultStores.Create(fake, VaultStores.AppRoleAuth("operator-role", "secret-id-canary"));

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ValidateAsync(CancellationToken.None));

        Assert.Equal(StoreErrorKind.AuthenticationFailed, e.Kind);
        Assert.Contains("appRole", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-id-canary", e.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, fake.CallCount("token.lookup"));
    }

    [Fact]
    public async Task LoginToken_IsRenewedAfterTwoThirdsOfItsTtl_NotBefore()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var fake = await VaultFake.StartAsync(time);
        fake.LoginTokenTtl = TimeSpan.FromHours(1);
        fake.ConfigureAppRole("r", "s");
        fake.Seed(Entry, "K", "v");
        await using var store = VaultStores.Create(fake, VaultStores.AppRoleAuth("r", "s"), time);
        await store.ReadAsync(PathOf(store, "K"), CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(30));
        await store.ReadAsync(PathOf(store, "K"), CancellationToken.None);
        Assert.Equal(0, fake.CallCount("token.renew"));

        time.Advance(TimeSpan.FromMinutes(11)); // 41 min: past 2/3 of the hour
        await store.ReadAsync(PathOf(store, "K"), CancellationToken.None);
        Assert.Equal(1, fake.CallCount("token.renew"));

        // Without the renewal the token would have expired at 60 min.
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal("v", (await store.ReadAsync(PathOf(store, "K"), CancellationToken.None))!.Text());
        Assert.Equal(1, fake.CallCount("login.approle"));
        Assert.DoesNotContain(fake.Requests, r => r.StatusCode == 403);
    }

    [Fact]
    public async Task RenewalCappedByMaxTtl_LeadsToAFreshLogin()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var fake = await VaultFake.StartAsync(time);
        fake.LoginTokenTtl = TimeSpan.FromHours(1);
        fake.LoginTokenMaxTtl = TimeSpan.FromMinutes(70);
        fake.ConfigureAppRole("r", "s");
        fake.Seed(Entry, "K", "v");
        await using var store = VaultStores.Create(fake, VaultStores.AppRoleAuth("r", "s"), time);
        await store.ReadAsync(PathOf(store, "K"), CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(45)); // renewal grants only the 25 min left of the max TTL
        await store.ReadAsync(PathOf(store, "K"), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(20)); // past 2/3 of the capped 25 min: log in again
        await store.ReadAsync(PathOf(store, "K"), CancellationToken.None);

        Assert.Equal(1, fake.CallCount("token.renew"));
        Assert.Equal(2, fake.CallCount("login.approle"));
        Assert.DoesNotContain(fake.Requests, r => r.StatusCode == 403);
    }

    [Fact]
    public async Task RevokedLoginToken_LogsInAgainOnce_AndTheCallSucceeds()
    {
        await using var fake = await VaultFake.StartAsync();
        fake.ConfigureAppRole("r", "s");
        fake.Seed(Entry, "K", "v");
        await using var store = VaultStores.Create(fake, VaultStores.AppRoleAuth("r", "s"));
        await store.ReadAsync(PathOf(store, "K"), CancellationToken.None);

        fake.RevokeAllTokens();
        var value = await store.ReadAsync(PathOf(store, "K"), CancellationToken.None);

        Assert.Equal("v", value!.Text());
        Assert.Equal(2, fake.CallCount("login.approle"));
        Assert.Equal(2, fake.Requests.Count(r => r.StatusCode == 403)); // the read, and the lookup-self that tells a dead token from a denial
    }

    [Fact]
    public async Task ConcurrentCalls_ShareOneLogin_AndOneReloginAfterRevocation()
    {
        await using var fake = await VaultFake.StartAsync();
        fake.ConfigureAppRole("r", "s");
        var groups = Enumerable.Range(0, 20).Select(i => new GroupFqn("acme", $"g{i}")).ToList();
        foreach (var g in groups)
        {
            fake.Seed($"tfy-secret/acme/{g.Group}", "K", g.Group);
        }

        await using var store = VaultStores.Create(fake, VaultStores.AppRoleAuth("r", "s"));
        async Task ReadAllAsync()
        {
            var reads = groups.Select(g => store.ReadAsync(store.DefaultPath(g, "K"), CancellationToken.None));
            Assert.Equal(groups.Select(g => g.Group), (await Task.WhenAll(reads)).Select(v => v!.Text()));
        }

        await ReadAllAsync();
        Assert.Equal(1, fake.CallCount("login.approle"));

        fake.RevokeAllTokens();
        await ReadAllAsync();
        Assert.Equal(2, fake.CallCount("login.approle"));
    }

    [Fact]
    public async Task Namespace_IsSentOnEveryCall_LoginIncluded()
    {
        await using var fake = await VaultFake.StartAsync();
        fake.ConfigureAppRole("r", "s");
        await using var store = VaultStores.Create(fake, VaultStores.AppRoleAuth("r", "s"), customize: s => s.Namespace = "team-a/ns1");

        await store.WriteAsync(PathOf(store, "K"), "v", CancellationToken.None);
        await store.ReadAsync(PathOf(store, "K"), CancellationToken.None);

        Assert.Contains(fake.Requests, r => r.Operation == "login.approle");
        Assert.All(fake.Requests, r => Assert.Equal("team-a/ns1", r.Namespace));
    }

    [Fact]
    public async Task CasConflict_IsRetried_AndKeepsTheOtherWritersField()
    {
        await using var fake = await VaultFake.StartAsync();
        fake.Seed(Entry, "A", "1");
        await using var store = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken));
        fake.ConflictNextWrites(2);

        var version = await store.WriteAsync(PathOf(store, "B"), "2", CancellationToken.None);

        Assert.Equal(3, fake.CallCount("kv.write"));
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2", ["CONCURRENT"] = "other-writer" }, fake.Get(Entry));
        Assert.Equal(fake.CurrentVersion(Entry).ToString(System.Globalization.CultureInfo.InvariantCulture), version);
    }

    [Fact]
    public async Task CasConflictEveryTime_GivesUp_WithoutLosingData()
    {
        await using var fake = await VaultFake.StartAsync();
        fake.Seed(Entry, "A", "1");
        await using var store = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken));
        fake.ConflictNextWrites(100);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.WriteAsync(PathOf(store, "B"), "value-canary", CancellationToken.None));

        Assert.Equal(StoreErrorKind.Unavailable, e.Kind);
        Assert.Contains("check-and-set", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("value-canary", e.ToString(), StringComparison.Ordinal);
        Assert.Equal("1", fake.Get(Entry)!["A"]);
        Assert.False(fake.Get(Entry)!.ContainsKey("B"));
    }

    [Fact]
    public async Task DeletingAField_KeepsTheOthers_AndTheLastOneLeavesAnEmptyVersion()
    {
        await using var fake = await VaultFake.StartAsync();
        fake.Seed(Entry, "A", "1");
        fake.Seed(Entry, "B", "2");
        await using var store = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken));

        await store.DeleteAsync(PathOf(store, "A"), CancellationToken.None);
        Assert.Equal(new Dictionary<string, string> { ["B"] = "2" }, fake.Get(Entry));

        await store.DeleteAsync(PathOf(store, "B"), CancellationToken.None);
        Assert.Empty(fake.Get(Entry)!);
        Assert.Equal(4, fake.CurrentVersion(Entry));
    }

    [Fact]
    public async Task SoftDeletedEntry_IsAbsent_AndCanBeWrittenAgain()
    {
        await using var fake = await VaultFake.StartAsync();
        fake.Seed(Entry, "A", "1");
        await using var store = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken));
        using (var http = new HttpClient { BaseAddress = fake.BaseAddress })
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, $"v1/secret/data/{Entry}"))
        {
            delete.Headers.Add("X-Vault-Token", fake.RootToken);
            (await http.SendAsync(delete)).EnsureSuccessStatusCode();
        }

        Assert.Null(await store.ReadAsync(PathOf(store, "A"), CancellationToken.None));
        var version = await store.WriteAsync(PathOf(store, "A"), "again", CancellationToken.None);

        Assert.Equal("2", version);
        Assert.Equal("again", fake.Get(Entry)!["A"]);
    }

    [Theory]
    [InlineData("tfy-secret/acme/app")]
    [InlineData("#KEY")]
    [InlineData("a/../b#KEY")]
    [InlineData("a//b#KEY")]
    [InlineData("/a/b#KEY")]
    [InlineData("a/b#")]
    [InlineData("a/b#bad key")]
    [InlineData("a/b#K#L")]
    public async Task InvalidPath_IsRefusedBeforeAnyCall(string path)
    {
        await using var fake = await VaultFake.StartAsync();
        await using var store = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken));

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.WriteAsync(path, "v", CancellationToken.None));

        Assert.Equal(StoreErrorKind.InvalidPath, e.Kind);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task ServerErrors_AreUnavailable_AndNeverEchoTheBody()
    {
        await using var fake = await VaultFake.StartAsync();
        fake.Seed(Entry, "K", "value-canary");
        await using var store = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken));
        fake.FailShare(1.0, 503);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(PathOf(store, "K"), CancellationToken.None));

        Assert.Equal(StoreErrorKind.Unavailable, e.Kind);
        Assert.Contains("sealed", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("injected", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThrottlingBeyondTheRetryBudget_IsThrottled_AndRecoversWhenTheQuotaResets()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var fake = await VaultFake.StartAsync(time);
        fake.Seed(Entry, "K", "v");
        await using var store = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken), time);
        await store.ReadAsync(PathOf(store, "K"), CancellationToken.None); // the given token's lookup-self and a read
        time.Advance(TimeSpan.FromSeconds(1));
        fake.ThrottleAtTps(1);
        await store.ReadAsync(PathOf(store, "K"), CancellationToken.None);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(PathOf(store, "K"), CancellationToken.None));
        Assert.Equal(StoreErrorKind.Throttled, e.Kind);
        Assert.Equal(2 + 6, fake.CallCount("kv.read")); // two reads, then StoreRetry's six attempts

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("v", (await store.ReadAsync(PathOf(store, "K"), CancellationToken.None))!.Text());
    }

    [Fact]
    public async Task EveryCall_TakesARateLimitToken()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var fake = await VaultFake.StartAsync();
        fake.Seed(Entry, "K", "v");
        var spec = VaultStores.Spec(fake, VaultStores.TokenAuth(fake.RootToken).Auth);
        var bucket = new TokenBucket(1, 3, time); // the given token's lookup-self, then two reads
        var context = new StoreContext(
            new SecretStoreIntegration { Spec = new SecretStoreIntegrationSpec { ProviderAccount = "local", Hashicorp = spec } },
            new IntegrationFqn("acme", new Provider("hashicorp"), "local", "vault"),
            new Dictionary<string, string> { ["spec.hashicorp.auth.token"] = fake.RootToken },
            bucket,
            new StoreRetry(TimeProvider.System),
            time);
        await using var store = new HashicorpStoreFactory().Create(context);
        await store.ReadAsync(PathOf(store, "K"), CancellationToken.None);
        await store.ReadAsync(PathOf(store, "K"), CancellationToken.None);

        var third = store.ReadAsync(PathOf(store, "K"), CancellationToken.None);
        await Task.Delay(50);
        Assert.False(third.IsCompleted); // the bucket is empty until the clock moves
        Assert.Equal(1, fake.CallCount("token.lookup"));
        Assert.Equal(2, fake.CallCount("kv.read"));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("v", (await third)!.Text());
    }
}
