using System.Diagnostics;
using Operator.References;
using Operator.Stores;

namespace Operator.Tests.Stores;

/// <summary>Secret Manager payloads as production serves them: checksummed, and versions that may be disabled or destroyed.</summary>
public sealed class GcpPayloadTests
{
    private static readonly GroupFqn Group = new("acme", "payments");

    [Fact]
    public async Task PayloadThatFailsItsCrc32c_IsRefused_NeverReturned()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        var path = f.Store.DefaultPath(Group, "DER");
        f.Fake.Seed(path, [0x30, 0x82, 0x01, 0x0A]);
        f.Fake.CorruptNextPayloads(100);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => f.Store.ReadAsync(path, CancellationToken.None));

        Assert.Equal(StoreErrorKind.Unavailable, e.Kind);
        Assert.Contains("dataCrc32c", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneCorruptedAnswer_IsReadAgain_AndTheTrueValueArrives()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        var path = f.Store.DefaultPath(Group, "DER");
        f.Fake.Seed(path, [0x30, 0x82, 0x01, 0x0A]);
        f.Fake.CorruptNextPayloads(1);

        var value = await f.Store.ReadAsync(path, CancellationToken.None);

        Assert.Equal([0x30, 0x82, 0x01, 0x0A], value!.Value.ToArray());
    }

    [Theory]
    [InlineData("DISABLED")]
    [InlineData("DESTROYED")]
    public async Task LatestVersionDisabledOrDestroyed_IsSecretDisabled_AndNotRetried(string state)
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        var path = f.Store.DefaultPath(Group, "API_KEY");
        f.Fake.Seed(path, "v1");
        f.Fake.Seed(path, "v2");
        f.Fake.SetVersionState(path, state);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => f.Store.ReadAsync(path, CancellationToken.None));

        Assert.Equal("SecretDisabled", e.Reason);
        Assert.False(e.Retry);
        Assert.Contains(state, e.Message, StringComparison.Ordinal);
        Assert.Equal(1, f.Fake.CallCount("access"));
    }

    [Fact]
    public async Task Throttled_WaitsTheRetryDelayTheServiceAsksFor()
    {
        await using var f = await GcpStoreFixture.CreateAsync();
        var path = f.Store.DefaultPath(Group, "K");
        f.Fake.Seed(path, "v");
        f.Fake.Faults.RetryAfter = TimeSpan.FromSeconds(2);
        f.Fake.ThrottleNext(1);

        var watch = Stopwatch.StartNew();
        var value = await f.Store.ReadAsync(path, CancellationToken.None);

        Assert.Equal("v", value!.Text());
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.9), $"retried after {watch.Elapsed}, before the 2 s the service asked for");
    }
}
