using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;
using Operator.Stores.Gcp;

namespace Operator.Tests.Stores;

/// <summary>GCP behaviour beyond the conformance suite: concurrency, token reuse, create-on-write, ids, auth and spec errors.</summary>
public sealed class GcpStoreTests
{
    private static readonly GroupFqn Group = new("acme", "payments");

    private static List<string> SeedKeys(GcpStoreFixture f, int count)
    {
        var paths = Enumerable.Range(0, count).Select(i => f.Store.DefaultPath(Group, $"KEY_{i}")).ToList();
        foreach (var path in paths)
        {
            f.Fake.Seed(path, "v");
        }

        return paths;
    }

    [Fact]
    public async Task Reads_RunInParallel_ButNoMoreThanMaxConcurrency()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        var paths = SeedKeys(f, 16);
        await f.Store.ValidateAsync(CancellationToken.None); // token fetched outside the measured reads
        f.Fake.AddLatency(TimeSpan.FromMilliseconds(50));

        var values = await f.Store.ReadManyAsync(paths, CancellationToken.None);

        Assert.Equal(16, values.Count);
        Assert.InRange(f.Fake.MaxConcurrentAccess, 2, f.Store.Capabilities.MaxConcurrency);
    }

    [Fact]
    public async Task ManyReads_ReuseOneAccessToken()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        var paths = SeedKeys(f, 10);

        for (var round = 0; round < 3; round++)
        {
            await f.Store.ReadManyAsync(paths, CancellationToken.None);
        }

        Assert.Equal(30, f.Fake.CallCount("access"));
        Assert.Equal(1, f.Fake.CallCount("token"));
    }

    [Fact]
    public async Task RefusedToken_IsDropped_SoTheNextCallFetchesANewOne()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        var path = SeedKeys(f, 1)[0];
        await f.Store.ReadAsync(path, CancellationToken.None);
        f.Fake.ExpireTokens();

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => f.Store.ReadAsync(path, CancellationToken.None));
        var again = await f.Store.ReadAsync(path, CancellationToken.None);

        Assert.Equal(StoreErrorKind.AuthenticationFailed, e.Kind);
        Assert.Equal("v", again!.Text());
        Assert.Equal(2, f.Fake.CallCount("token"));
    }

    [Fact]
    public async Task Write_CreatesAMissingSecretOnce_ThenOnlyAddsVersions()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        var path = f.Store.DefaultPath(Group, "tls.crt");

        var first = await f.Store.WriteAsync(path, "one", CancellationToken.None);
        var second = await f.Store.WriteAsync(path, "two", CancellationToken.None);

        Assert.Equal(("1", "2"), (first, second));
        Assert.Equal(1, f.Fake.CallCount("create"));
        Assert.Equal(3, f.Fake.CallCount("addVersion")); // the first one found no secret
        Assert.Equal("two", (await f.Store.ReadAsync(path, CancellationToken.None))!.Text());
        Assert.True(f.Fake.Exists("acme_payments_tls_-crt"));
    }

    [Fact]
    public async Task FullResourceName_ReadsTheSameSecret()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        f.Fake.Seed("legacy-db-password", "pw");

        var value = await f.Store.ReadAsync("projects/test-project/secrets/legacy-db-password", CancellationToken.None);

        Assert.Equal("pw", value!.Text());
        Assert.Equal("1", value!.Version);
    }

    [Fact]
    public async Task KeyWhoseIdIsTooLong_IsInvalidPath_NamingTheKey_BeforeAnyCall()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        var key = new string('_', 200); // escapes to 400 characters
        var path = f.Store.DefaultPath(Group, key);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => f.Store.ReadManyAsync([f.Store.DefaultPath(Group, "OK"), path], CancellationToken.None));

        Assert.Equal(StoreErrorKind.InvalidPath, e.Kind);
        Assert.Contains($"key '{key[..100]}", e.Message, StringComparison.Ordinal);
        Assert.Contains("255", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, f.Fake.CallCount("access") + f.Fake.CallCount("token"));
    }

    [Fact]
    public async Task RevokedServiceAccount_FailsAuthentication_WithoutKeyMaterial()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        f.Fake.RevokeServiceAccount(f.Key.Email);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => f.Store.ValidateAsync(CancellationToken.None));

        Assert.Equal(StoreErrorKind.AuthenticationFailed, e.Kind);
        Assert.Contains(f.Key.Email, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(f.Key.Canary, e.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, f.Fake.CallCount("list"));
    }

    [Fact]
    public async Task SustainedThrottling_EndsAsThrottled_AfterTheRetryBudget()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        f.Fake.Seed(f.Store.DefaultPath(Group, "K"), "v");
        f.Fake.ThrottleNext(1000);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => f.Store.ReadAsync(f.Store.DefaultPath(Group, "K"), CancellationToken.None));

        Assert.Equal(StoreErrorKind.Throttled, e.Kind);
        Assert.Equal(6, f.Fake.CallCount("access")); // StoreRetry's default budget
    }

    [Fact]
    public async Task ServerErrors_AreUnavailable_AndNeverEchoTheResponse()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        f.Fake.Seed(f.Store.DefaultPath(Group, "K"), "v");
        f.Fake.FailShare(1);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => f.Store.ReadAsync(f.Store.DefaultPath(Group, "K"), CancellationToken.None));

        Assert.Equal(StoreErrorKind.Unavailable, e.Kind);
        Assert.Contains("503 UNAVAILABLE", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("injected", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyThatIsNotJson_IsMisconfigured_NamingTheFieldOnly()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        const string canary = "NOT-A-KEY-CANARY-91c2";

        var e = Assert.Throws<SecretStoreException>(() => f.CreateStore("{\"type\":\"service_account\",\"private_key\":\"" + canary + "\""));

        Assert.Equal(StoreErrorKind.Misconfigured, e.Kind);
        Assert.StartsWith("spec.gcp.auth.serviceAccountKey:", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(canary, e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bad_Project", null, "spec.gcp.projectId:")]
    [InlineData("test-project", "http://secretmanager.example.com", "spec.gcp.endpoint: plain http")]
    [InlineData("test-project", "not a url", "spec.gcp.endpoint:")]
    [InlineData("test-project", "https://user:pw@secretmanager.googleapis.com", "spec.gcp.endpoint: must not hold")]
    public void InvalidSpec_NamesTheField(string project, string? endpoint, string expected)
    {
        var spec = new SecretStoreIntegrationSpec { ProviderAccount = "p", Gcp = new GcpStoreSpec { ProjectId = project, Endpoint = endpoint } };

        var errors = new GcpStoreFactory().Validate(spec).ToList();

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void ValidSpec_HasNoErrors_AndYieldsTheKeyReference()
    {
        var spec = new SecretStoreIntegrationSpec
        {
            ProviderAccount = "p",
            Gcp = new GcpStoreSpec { ProjectId = "my-project-1", Endpoint = "https://europe-west1-secretmanager.googleapis.com", Auth = new GcpAuthSpec { ServiceAccountKey = "tfy-k8s-secret://GCP_SA_KEY" } },
        };
        var factory = new GcpStoreFactory();

        Assert.Empty(factory.Validate(spec));
        Assert.Equal([("spec.gcp.auth.serviceAccountKey", "tfy-k8s-secret://GCP_SA_KEY")], factory.CredentialReferences(spec));
        Assert.Empty(factory.CredentialReferences(new SecretStoreIntegrationSpec { Gcp = new GcpStoreSpec { ProjectId = "my-project-1" } }));
    }

    [Theory]
    [InlineData(null, "https://secretmanager.googleapis.com/v1/")]
    [InlineData("https://europe-west1-secretmanager.googleapis.com", "https://europe-west1-secretmanager.googleapis.com/v1/")]
    [InlineData("http://127.0.0.1:8080/v1/", "http://127.0.0.1:8080/v1/")]
    public void Endpoint_IsTheV1Root(string? endpoint, string expected) =>
        Assert.Equal(expected, GcpStoreFactory.BaseUri(endpoint).ToString());
}
