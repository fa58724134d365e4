using Operator.References;
using Operator.Stores;
using Operator.Testing.Stores.Aws;

namespace Operator.Tests.Stores;

/// <summary>What the Secrets Manager store does beyond the conformance suite: JSON keys, batches, versions, binary secrets, signatures.</summary>
public sealed class SecretsManagerStoreTests
{
    private static readonly GroupFqn App = new("acme", "app");

    [Fact]
    public async Task JsonSecret_IsExpandedByKey_FromOneBatchedRead()
    {
        await using var fake = await SecretsManagerFake.StartAsync();
        var version = fake.Seed("prod/db", """{"user":"app","password":"p\u00e4ss","port":5432,"tls":{"mode":"verify"}}""");
        await using var store = SecretsManagerStores.Create(fake);

        var values = await store.ReadManyAsync(["prod/db#user", "prod/db#password", "prod/db#port", "prod/db#tls", "prod/db#absent"], CancellationToken.None);

        Assert.Equal("app", values["prod/db#user"].Text());
        Assert.Equal("p\u00e4ss", values["prod/db#password"].Text());
        Assert.Equal("5432", values["prod/db#port"].Text());
        Assert.Equal("""{"mode":"verify"}""", values["prod/db#tls"].Text());
        Assert.False(values.ContainsKey("prod/db#absent"));
        Assert.All(values.Values, v => Assert.Equal(version, v.Version));
        var call = Assert.Single(fake.Calls, c => c.Operation == "BatchGetSecretValue");
        Assert.Equal(["prod/db"], call.Ids);
    }

    [Fact]
    public async Task FiftySecrets_AreReadInBatchesOfAtMostTwenty()
    {
        await using var fake = await SecretsManagerFake.StartAsync();
        await using var store = SecretsManagerStores.Create(fake);
        var paths = Enumerable.Range(0, 50).Select(i => store.DefaultPath(App, $"K{i}")).ToList();
        paths.ForEach(p => fake.Seed(p, "v:" + p));

        var values = await store.ReadManyAsync(paths, CancellationToken.None);

        Assert.All(paths, p => Assert.Equal("v:" + p, values[p].Text()));
        var batches = fake.Calls.Where(c => c.Operation == "BatchGetSecretValue").ToList();
        Assert.Equal(3, batches.Count); // ceil(50 / 20)
        Assert.All(batches, b => Assert.InRange(b.Ids.Count, 1, 20));
        Assert.All(batches, b => Assert.Equal(200, b.Status));
    }

    [Fact]
    public async Task Versions_ByStagingLabel_AndByVersionId()
    {
        await using var fake = await SecretsManagerFake.StartAsync();
        var v1 = fake.Seed("app/token", "one");
        var v2 = fake.Seed("app/token", "two");
        fake.Label("app/token", v1, "PINNED");
        await using var store = SecretsManagerStores.Create(fake);

        Assert.Equal(("two", v2), Read(await store.ReadAsync("app/token", CancellationToken.None)));
        Assert.Equal(("one", v1), Read(await store.ReadVersionAsync("app/token", "AWSPREVIOUS", CancellationToken.None)));
        Assert.Equal(("one", v1), Read(await store.ReadVersionAsync("app/token", "PINNED", CancellationToken.None)));
        Assert.Equal(("two", v2), Read(await store.ReadVersionAsync("app/token", v2, CancellationToken.None)));
        Assert.Null(await store.ReadVersionAsync("app/token", "NO_SUCH_LABEL", CancellationToken.None));
        Assert.Null(await store.ReadVersionAsync("app/token", Guid.NewGuid().ToString(), CancellationToken.None));

        static (string, string?) Read(StoreValue? value) => (value!.Text(), value!.Version);
    }

    [Fact]
    public async Task BinarySecret_WrittenByOthers_ArrivesAsItsBytes()
    {
        await using var fake = await SecretsManagerFake.StartAsync();
        byte[] keytab = [0x05, 0x02, 0x00, 0x00, 0x00, 0x3C, 0xFF, 0xFE, 0x80];
        fake.SeedBinary("krb/keytab", keytab);
        await using var store = SecretsManagerStores.Create(fake);

        Assert.Equal(keytab, (await store.ReadAsync("krb/keytab", CancellationToken.None))!.Value.ToArray());
        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync("krb/keytab#principal", CancellationToken.None));
        Assert.Equal(StoreErrorKind.InvalidPath, e.Kind);
    }

    [Fact]
    public async Task WrongSecretKey_IsRefusedByTheSignatureCheck_AsAuthenticationFailed_WithoutTheKey()
    {
        await using var fake = await SecretsManagerFake.StartAsync();
        const string canary = "wrong-secret-CANARY-5b7e";
        await using var store = SecretsManagerStores.Create(fake, SecretsManagerStores.Keys(SecretsManagerFake.DefaultAccessKeyId, canary));

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ValidateAsync(CancellationToken.None));

        Assert.Equal(StoreErrorKind.AuthenticationFailed, e.Kind);
        Assert.Contains("InvalidSignatureException", e.Message, StringComparison.Ordinal);
        Assert.Contains("spec.aws.auth", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(canary, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeniedSecret_InTheBatchErrors_IsAccessDenied_NamingTheSecret()
    {
        await using var fake = await SecretsManagerFake.StartAsync();
        fake.Seed("team-a/ok", "fine");
        fake.Seed("team-b/forbidden", "no");
        fake.Deny("team-b/forbidden");
        await using var store = SecretsManagerStores.Create(fake);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadManyAsync(["team-a/ok", "team-b/forbidden"], CancellationToken.None));

        Assert.Equal(StoreErrorKind.AccessDenied, e.Kind);
        Assert.Contains("'team-b/forbidden'", e.Message, StringComparison.Ordinal);
        Assert.Contains("secretsmanager:GetSecretValue", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyPaths_AreReadOnly_AndBadNamesAreRefusedBeforeAnyCall()
    {
        await using var fake = await SecretsManagerFake.StartAsync();
        await using var store = SecretsManagerStores.Create(fake);

        var write = await Assert.ThrowsAsync<SecretStoreException>(() => store.WriteAsync("prod/db#password", "x"u8.ToArray(), CancellationToken.None));
        var name = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync("prod/db with space", CancellationToken.None));
        var key = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync("prod/db#", CancellationToken.None));

        Assert.All([write, name, key], e => Assert.Equal(StoreErrorKind.InvalidPath, e.Kind));
        Assert.Empty(fake.Calls);
    }
}
