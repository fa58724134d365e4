using System.Globalization;
using System.Text;
using Operator.References;
using Operator.Stores;

namespace Operator.Tests.Stores;

/// <summary>What one store gives the conformance suite: its real client pointed at its wire-level fake.</summary>
public interface IStoreFixture : IAsyncDisposable
{
    /// <summary>The client under test, built by the store's factory as the operator would build it.</summary>
    ISecretStore Store { get; }

    /// <summary>The group whose default paths the suite reads (<c>acme:conformance</c>).</summary>
    GroupFqn Group { get; }

    /// <summary>Puts a value straight into the fake, bypassing the client (as another writer would).</summary>
    Task SeedAsync(string path, string value);

    /// <summary>Read API calls the fake has answered so far (any read operation).</summary>
    int ReadCalls { get; }

    /// <summary>The most read calls reading <paramref name="keys"/> default-path keys of one group may take.</summary>
    int ExpectedReadCalls(int keys);

    /// <summary>The fake answers the next <paramref name="calls"/> calls as throttled (429 or the store's equivalent).</summary>
    void ThrottleNext(int calls);

    /// <summary>A path the store must refuse before calling out.</summary>
    string InvalidPath { get; }

    /// <summary>A client of the same store whose credentials the fake refuses.</summary>
    Task<ISecretStore> CreateWithBadCredentialsAsync();

    /// <summary>A string inside the bad credentials: it must appear in no error message.</summary>
    string CredentialCanary { get; }

    /// <summary>The largest value the service documents for <paramref name="key"/> alone at its default path (as the store keeps it).</summary>
    int MaxValueBytes(string key) => Store.Capabilities.MaxValueBytes;

    /// <summary>Whether the service keeps earlier versions readable (the built-in store keeps only the current one).</summary>
    bool KeepsHistory => true;
}

/// <summary>The cases every store passes; a store's test class derives from this and supplies its fixture.</summary>
public abstract class StoreConformanceTests
{
    protected abstract Task<IStoreFixture> CreateFixtureAsync();

    private static string PathOf(IStoreFixture f, string key) => f.Store.DefaultPath(f.Group, key);

    [Fact]
    public async Task Found_ReturnsTheValueAndAVersion()
    {
        await using var f = await CreateFixtureAsync();
        await f.SeedAsync(PathOf(f, "API_KEY"), "value-1");

        var value = await f.Store.ReadAsync(PathOf(f, "API_KEY"), CancellationToken.None);

        Assert.NotNull(value);
        Assert.Equal("value-1", value.Text());
        Assert.False(string.IsNullOrEmpty(value.Version));
    }

    [Fact]
    public async Task NotFound_IsAbsent_NotAnError()
    {
        await using var f = await CreateFixtureAsync();
        await f.SeedAsync(PathOf(f, "PRESENT"), "x");

        var many = await f.Store.ReadManyAsync([PathOf(f, "PRESENT"), PathOf(f, "ABSENT")], CancellationToken.None);

        Assert.Equal(["x"], many.Values.Select(v => v.Text()));
        Assert.False(many.ContainsKey(PathOf(f, "ABSENT")));
        Assert.Null(await f.Store.ReadAsync(PathOf(f, "ABSENT2"), CancellationToken.None));
    }

    [Fact]
    public async Task RewrittenValue_ReportsANewVersion()
    {
        await using var f = await CreateFixtureAsync();
        await f.SeedAsync(PathOf(f, "K"), "v1");
        var first = await f.Store.ReadAsync(PathOf(f, "K"), CancellationToken.None);

        await f.SeedAsync(PathOf(f, "K"), "v2");
        var second = await f.Store.ReadAsync(PathOf(f, "K"), CancellationToken.None);

        Assert.Equal("v2", second!.Text());
        Assert.NotEqual(first!.Version, second!.Version);
    }

    [Fact]
    public async Task EachWrite_IsAVersion_ThatReadsBackByItsName()
    {
        await using var f = await CreateFixtureAsync();
        var path = PathOf(f, "VERSIONED");
        var first = await f.Store.WriteAsync(path, "one"u8.ToArray(), CancellationToken.None);
        var second = await f.Store.WriteAsync(path, "two"u8.ToArray(), CancellationToken.None);

        Assert.NotEqual(first, second);
        Assert.Equal(second, (await f.Store.ReadAsync(path, CancellationToken.None))!.Version);
        var current = await f.Store.ReadVersionAsync(path, second!, CancellationToken.None);
        Assert.Equal(("two", second), (current!.Text(), current!.Version));
        var earlier = await f.Store.ReadVersionAsync(path, first!, CancellationToken.None);
        Assert.Equal(f.KeepsHistory ? "one" : null, earlier?.Text());
        Assert.Null(await f.Store.ReadVersionAsync(path, "99999", CancellationToken.None));
        Assert.Null(await f.Store.ReadVersionAsync(path, "not a version", CancellationToken.None));
        Assert.Null(await f.Store.ReadVersionAsync(PathOf(f, "NEVER_WRITTEN"), second!, CancellationToken.None));
    }

    [Fact]
    public async Task ReadingAGroup_UsesNoMoreCallsThanTheBatchFloor()
    {
        await using var f = await CreateFixtureAsync();
        var keys = Enumerable.Range(0, 25).Select(i => $"KEY_{i}").ToList();
        foreach (var key in keys)
        {
            await f.SeedAsync(PathOf(f, key), "v-" + key);
        }

        var before = f.ReadCalls;
        var values = await f.Store.ReadManyAsync(keys.Select(k => PathOf(f, k)).ToList(), CancellationToken.None);

        Assert.Equal(25, values.Count);
        Assert.All(keys, k => Assert.Equal("v-" + k, values[PathOf(f, k)].Text()));
        Assert.InRange(f.ReadCalls - before, 1, f.ExpectedReadCalls(25));
    }

    [Fact]
    public async Task Listing_FindsTheGroupsValues_ByPrefixAndName_WithinTheLimit_InFewCalls()
    {
        await using var f = await CreateFixtureAsync();
        var own = global::Operator.Controllers.DataFromFind.OwnPrefix(f.Store, f.Group);
        if (!f.Store.Capabilities.CanList)
        {
            await Assert.ThrowsAsync<NotSupportedException>(() => f.Store.ListAsync(new ListQuery(own, _ => true, new Dictionary<string, string>(), 10), CancellationToken.None));
            return;
        }

        var keys = Enumerable.Range(0, 12).Select(i => $"KEY_{i:D2}").ToList();
        foreach (var key in keys)
        {
            await f.SeedAsync(PathOf(f, key), "v-" + key);
        }

        await f.SeedAsync(f.Store.DefaultPath(new GroupFqn("acme", "other"), "KEY_00"), "not this group's");
        var before = f.ReadCalls;
        var all = await f.Store.ListAsync(new ListQuery(own, _ => true, new Dictionary<string, string>(), 100), CancellationToken.None);
        var listCalls = f.ReadCalls - before;

        Assert.Equal(keys, all.Select(l => l.Name).Order(StringComparer.Ordinal));
        Assert.All(all, l => Assert.Equal(PathOf(f, l.Name), l.Path));
        var unread = all.Where(l => l.Value is null).Select(l => l.Path).ToList();
        var values = unread.Count == 0 ? new Dictionary<string, StoreValue>() : await f.Store.ReadManyAsync(unread, CancellationToken.None);
        Assert.All(all, l => Assert.Equal("v-" + l.Name, (l.Value ?? values[l.Path]).Text()));
        Assert.InRange(listCalls, 1, f.ExpectedReadCalls(12));

        var some = await f.Store.ListAsync(new ListQuery(own, n => n.EndsWith('1'), new Dictionary<string, string>(), 100), CancellationToken.None);
        Assert.Equal(["KEY_01", "KEY_11"], some.Select(l => l.Name).Order(StringComparer.Ordinal));
        Assert.Equal(5, (await f.Store.ListAsync(new ListQuery(own, _ => true, new Dictionary<string, string>(), 5), CancellationToken.None)).Count);
        Assert.Empty(await f.Store.ListAsync(new ListQuery(f.Store.DefaultPath(new GroupFqn("acme", "nobody"), "K")[..^1], _ => true, new Dictionary<string, string>(), 5), CancellationToken.None));
    }

    [Fact]
    public async Task Throttling_IsRetried_AndRecovers()
    {
        await using var f = await CreateFixtureAsync();
        await f.SeedAsync(PathOf(f, "K"), "v");
        f.ThrottleNext(2);

        var values = await f.Store.ReadManyAsync([PathOf(f, "K")], CancellationToken.None);

        Assert.Equal("v", values[PathOf(f, "K")].Text());
    }

    [Fact]
    public async Task BadCredentials_FailWithASanitisedMessage()
    {
        await using var f = await CreateFixtureAsync();
        await using var bad = await f.CreateWithBadCredentialsAsync();

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => bad.ValidateAsync(CancellationToken.None));

        Assert.Contains(e.Kind, new[] { StoreErrorKind.AuthenticationFailed, StoreErrorKind.AccessDenied });
        Assert.DoesNotContain(f.CredentialCanary, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidPath_IsRefused()
    {
        await using var f = await CreateFixtureAsync();

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => f.Store.ReadAsync(f.InvalidPath, CancellationToken.None));

        Assert.Equal(StoreErrorKind.InvalidPath, e.Kind);
    }

    [Fact]
    public async Task WrittenValue_ReadsBack_WithTheReportedVersion()
    {
        await using var f = await CreateFixtureAsync();

        var version = await f.Store.WriteAsync(PathOf(f, "NEW"), "written", CancellationToken.None);
        var read = await f.Store.ReadAsync(PathOf(f, "NEW"), CancellationToken.None);

        Assert.Equal("written", read!.Text());
        Assert.Equal(version, read!.Version);
    }

    [Fact]
    public async Task ArbitraryBytes_RoundTripExactly()
    {
        await using var f = await CreateFixtureAsync();
        byte[][] values =
        [
            [0x30, 0x82, 0xFF, 0x00, 0xC3],                                       // DER prefix, invalid UTF-8, NUL, lone lead byte
            [.. Enumerable.Range(0, 256).Select(i => (byte)i)],                   // every byte value
            "text\0with a NUL"u8.ToArray(),
            Encoding.UTF8.GetBytes(StoreText.BinaryPrefix + "AAAA"),              // text that looks like the binary marker
            "caf\u00e9 \ud83d\udd11"u8.ToArray(),                                 // multi-byte UTF-8 stays text
        ];

        for (var i = 0; i < values.Length; i++)
        {
            var path = PathOf(f, $"BIN_{i}");
            var version = await f.Store.WriteAsync(path, values[i], CancellationToken.None);
            var read = await f.Store.ReadAsync(path, CancellationToken.None);
            var many = await f.Store.ReadManyAsync([path], CancellationToken.None);

            Assert.Equal(values[i], read!.Value.ToArray());
            Assert.Equal(values[i], many[path].Value.ToArray());
            Assert.Equal(version, read.Version);
        }
    }

    [Fact]
    public async Task ValueOfTheDocumentedMaximum_IsStored_AndOneMoreIsRefusedClearly()
    {
        await using var f = await CreateFixtureAsync();
        var path = PathOf(f, "LARGEST");
        var max = f.MaxValueBytes("LARGEST");
        var largest = Enumerable.Repeat((byte)'a', max).ToArray();

        await f.Store.WriteAsync(path, largest, CancellationToken.None);
        var e = await Assert.ThrowsAsync<SecretStoreException>(() => f.Store.WriteAsync(path, Enumerable.Repeat((byte)'b', max + 1).ToArray(), CancellationToken.None));

        Assert.Equal(StoreErrorKind.ValueTooLarge, e.Kind);
        Assert.Equal("ValueTooLarge", e.Reason);
        Assert.Contains(f.Store.Capabilities.MaxValueBytes.ToString(CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        Assert.Equal(largest, (await f.Store.ReadAsync(path, CancellationToken.None))!.Value.ToArray());
    }

    [Fact]
    public async Task DeletedValue_IsGone_AndDeletingAgainIsFine()
    {
        await using var f = await CreateFixtureAsync();
        await f.Store.WriteAsync(PathOf(f, "GONE"), "x", CancellationToken.None);

        await f.Store.DeleteAsync(PathOf(f, "GONE"), CancellationToken.None);
        await f.Store.DeleteAsync(PathOf(f, "GONE"), CancellationToken.None);

        Assert.Null(await f.Store.ReadAsync(PathOf(f, "GONE"), CancellationToken.None));
    }
}
