using Microsoft.Extensions.Time.Testing;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;
using Operator.Stores.Azure;
using Operator.Testing.Stores.Azure;

namespace Operator.Tests.Stores;

/// <summary>What the Azure store does beyond the conformance suite: concurrency, rate limit, retry budget, errors.</summary>
public sealed class AzureKeyVaultStoreTests
{
    private static readonly GroupFqn Group = new("acme", "payments");

    [Fact]
    public async Task ReadingManyKeys_KeepsAtMostFourCallsInFlight()
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        await using var store = AzureFakeClients.Create(fake);
        var paths = Enumerable.Range(0, 16).Select(i => store.DefaultPath(Group, $"KEY_{i}")).ToList();
        paths.ForEach(p => fake.Seed(p, "v"));
        await store.ReadAsync(paths[0], CancellationToken.None); // token and challenge out of the way
        fake.Faults.AddLatency(TimeSpan.FromMilliseconds(100));

        var values = await store.ReadManyAsync(paths, CancellationToken.None);

        Assert.Equal(16, values.Count);
        Assert.InRange(fake.MaxConcurrentCalls, 2, store.Capabilities.MaxConcurrency);
        Assert.Equal(4, store.Capabilities.MaxConcurrency);
    }

    [Fact]
    public async Task EveryCall_TakesATokenFromTheIntegrationRateLimit()
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        var time = new FakeTimeProvider();
        await using var store = AzureFakeClients.Create(fake, rateLimiter: new TokenBucket(qps: 1, burst: 2, time));
        var paths = Enumerable.Range(0, 4).Select(i => store.DefaultPath(Group, $"K{i}")).ToList();
        paths.ForEach(p => fake.Seed(p, "v"));

        var read = store.ReadManyAsync(paths, CancellationToken.None);
        await WaitForAsync(() => fake.CallCount("get") == 2);
        await Task.Delay(200); // would let more calls through if the limiter were bypassed
        Assert.Equal(2, fake.CallCount("get"));
        Assert.False(read.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => fake.CallCount("get") == 3);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(4, (await read).Count);
        Assert.Equal(4, fake.CallCount("get"));
    }

    [Fact]
    public async Task ThrottlingBeyondTheBudget_IsThrottled_AndOnlyOurRetriesCount()
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        var retry = new StoreRetry(TimeProvider.System, maxAttempts: 3, baseDelay: TimeSpan.FromMilliseconds(1));
        await using var store = AzureFakeClients.Create(fake, retry: retry);
        var path = store.DefaultPath(Group, "K");
        fake.Seed(path, "v");
        await store.ReadAsync(path, CancellationToken.None);
        var before = fake.CallCount("get");
        fake.Faults.ThrottleNext(100);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(path, CancellationToken.None));

        Assert.Equal(StoreErrorKind.Throttled, e.Kind);
        Assert.Equal(3, fake.CallCount("get") - before); // the SDK's own retries are off
    }

    [Fact]
    public async Task VaultThrottlingAtItsTpsLimit_IsRetried_UntilEveryKeyIsRead()
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        var retry = new StoreRetry(TimeProvider.System, baseDelay: TimeSpan.FromMilliseconds(50));
        await using var store = AzureFakeClients.Create(fake, rateLimiter: new TokenBucket(1000, 1000, TimeProvider.System), retry: retry);
        var paths = Enumerable.Range(0, 20).Select(i => store.DefaultPath(Group, $"K{i}")).ToList();
        paths.ForEach(p => fake.Seed(p, "v"));

        // The 20 reads go out together, so a vault that holds 5 at once throttles 15 however slow a loaded machine is (not
        // throttling would take 1.5 s between the first read and the last); each Retry-After (1 s) then lets 5 more
        // through, so every key is read within 3 retries of the default 6, even when the retries arrive as one wave.
        fake.Faults.ThrottleAtTps(10, burstSize: 5);

        var values = await store.ReadManyAsync(paths, CancellationToken.None);

        Assert.Equal(20, values.Count);
        Assert.True(fake.Faults.Throttled > 0);
    }

    [Fact]
    public async Task IntegrationRateLimitBelowTheVaultLimit_IsNeverThrottled()
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        await using var store = AzureFakeClients.Create(fake, rateLimiter: new TokenBucket(qps: 10, burst: 5, TimeProvider.System));
        var paths = Enumerable.Range(0, 20).Select(i => store.DefaultPath(Group, $"K{i}")).ToList();
        paths.ForEach(p => fake.Seed(p, "v"));
        fake.Faults.ThrottleAtTps(12);

        var values = await store.ReadManyAsync(paths, CancellationToken.None);

        Assert.Equal(20, values.Count);
        Assert.Equal(0, fake.Faults.Throttled);
    }

    [Theory]
    [InlineData(403, StoreErrorKind.AccessDenied)]
    [InlineData(500, StoreErrorKind.Unavailable)]
    public async Task ServiceErrors_AreMapped_WithoutTheResponseBody(int status, StoreErrorKind kind)
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        await using var store = AzureFakeClients.Create(fake);
        fake.Faults.FailShare(1.0, status);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(store.DefaultPath(Group, "K"), CancellationToken.None));

        Assert.Equal(kind, e.Kind);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("injected failure", e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongClientSecret_IsAuthenticationFailed_AndNeverReachesTheVault()
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        const string canary = "CANARY-azure-secret-0b7e";
        await using var store = AzureFakeClients.Create(fake, clientSecret: canary);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadManyAsync([store.DefaultPath(Group, "A"), store.DefaultPath(Group, "B")], CancellationToken.None));

        Assert.Equal(StoreErrorKind.AuthenticationFailed, e.Kind);
        Assert.DoesNotContain(canary, e.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, fake.CallCount("get"));
        Assert.True(fake.CallCount("token") >= 1);
    }

    [Fact]
    public async Task KeyWhoseNameIsTooLong_IsInvalidPath_NamingTheKey_BeforeAnyCall()
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        await using var store = AzureFakeClients.Create(fake);
        var key = "LONG_" + new string('x', 120);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadManyAsync([store.DefaultPath(Group, "OK"), store.DefaultPath(Group, key)], CancellationToken.None));

        Assert.Equal(StoreErrorKind.InvalidPath, e.Kind);
        Assert.Contains($"key '{key}' of group 'acme:payments'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, fake.CallCount("token") + fake.CallCount("get"));
    }

    [Fact]
    public async Task WrittenValue_AddsAVersion_AndSeedsBecomeNewVersions()
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        await using var store = AzureFakeClients.Create(fake);
        var path = store.DefaultPath(Group, "ROTATED");

        var v1 = await store.WriteAsync(path, "one", CancellationToken.None);
        var v2 = await store.WriteAsync(path, "two", CancellationToken.None);

        Assert.Equal([v1, v2], fake.Versions(path).Select(v => v.Version));
        Assert.Equal("two", fake.ValueOf(path));
        Assert.Equal(1, fake.CallCount("token"));
    }

    [Fact]
    public async Task WritingADeletedName_RecoversIt_ThenWritesANewVersion()
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        await using var store = AzureFakeClients.Create(fake);
        var path = store.DefaultPath(Group, "REUSED");
        await store.WriteAsync(path, "old", CancellationToken.None);
        await store.DeleteAsync(path, CancellationToken.None);
        Assert.True(fake.IsSoftDeleted(path));

        var version = await store.WriteAsync(path, "new", CancellationToken.None);

        var read = await store.ReadAsync(path, CancellationToken.None);
        Assert.Equal(("new", version), (read!.Text(), read!.Version));
        Assert.Equal(2, fake.Versions(path).Count);
        Assert.Equal(1, fake.CallCount("recover"));
    }

    [Fact]
    public void Create_BuildsEveryAuthKind_WithoutCallingOut()
    {
        var factory = new AzureStoreFactory();
        foreach (var auth in new AzureAuthSpec?[] { null, new() { WorkloadIdentity = true, ClientId = "c", TenantId = "t" }, new() { ManagedIdentityClientId = "mi" } })
        {
            var spec = new SecretStoreIntegrationSpec { ProviderAccount = "p", Azure = new AzureStoreSpec { KeyVaultName = "kv1", Auth = auth } };
            var integration = new SecretStoreIntegration { Metadata = new() { Name = "kv" }, Spec = spec };
            var context = new StoreContext(integration, new IntegrationFqn("acme", new Provider("azure"), "p", "kv"), new Dictionary<string, string>(), new TokenBucket(1, 1, TimeProvider.System), new StoreRetry(TimeProvider.System), TimeProvider.System);
            Assert.IsType<AzureKeyVaultStore>(factory.Create(context));
        }
    }

    [Fact]
    public async Task Validate_SucceedsOnAnEmptyVault()
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        await using var store = AzureFakeClients.Create(fake);

        await store.ValidateAsync(CancellationToken.None);

        Assert.Equal(1, fake.CallCount("get"));
    }

    [Theory]
    [InlineData(null, null, "spec.azure: set exactly one of vaultUrl or keyVaultName")]
    [InlineData("http://vault.example", null, "spec.azure.vaultUrl: 'http://vault.example' is not an https URL")]
    [InlineData("https://v.vault.azure.net", "v", "spec.azure: set exactly one of vaultUrl or keyVaultName")]
    public void Validate_NamesTheField(string? url, string? name, string expected)
    {
        var spec = new SecretStoreIntegrationSpec { ProviderAccount = "p", Azure = new AzureStoreSpec { VaultUrl = url, KeyVaultName = name } };

        Assert.Contains(new AzureStoreFactory().Validate(spec), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ClientSecretNeedsTenantAndClient_AndOneAuthKindOnly()
    {
        var factory = new AzureStoreFactory();
        var spec = new SecretStoreIntegrationSpec { ProviderAccount = "p", Azure = new AzureStoreSpec { KeyVaultName = "kv1", Auth = new AzureAuthSpec { ClientSecret = "tfy-k8s-secret://S" } } };
        Assert.Equal(["spec.azure.auth.tenantId: required with clientSecret", "spec.azure.auth.clientId: required with clientSecret"], factory.Validate(spec));

        spec.Azure.Auth.WorkloadIdentity = true;
        Assert.Equal(["spec.azure.auth: choose one of clientSecret, workloadIdentity or managedIdentityClientId"], factory.Validate(spec));

        spec.Azure.Auth = new AzureAuthSpec { ManagedIdentityClientId = "mi" };
        Assert.Empty(factory.Validate(spec));
        Assert.Empty(factory.CredentialReferences(spec));
        Assert.Equal(new Uri("https://kv1.vault.azure.net/"), AzureStoreFactory.VaultUri(spec.Azure));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
