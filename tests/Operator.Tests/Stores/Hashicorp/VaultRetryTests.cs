using System.Diagnostics;
using Operator.References;
using Operator.Testing.Stores.Hashicorp;

namespace Operator.Tests.Stores;

/// <summary>Vault rate limit quotas answer 429 with Retry-After; the store waits that long before the next attempt.</summary>
public sealed class VaultRetryTests
{
    [Fact]
    public async Task Throttled_WaitsTheRetryAfterVaultAsksFor()
    {
        await using var fake = await VaultFake.StartAsync();
        fake.Seed("tfy-secret/acme/app", "K", "v");
        await using var store = VaultStores.Create(fake, VaultStores.TokenAuth(fake.RootToken));
        fake.Faults.RetryAfter = TimeSpan.FromSeconds(2);
        fake.ThrottleNext(1);

        var watch = Stopwatch.StartNew();
        var value = await store.ReadAsync(store.DefaultPath(new GroupFqn("acme", "app"), "K"), CancellationToken.None);

        Assert.Equal("v", value!.Text());
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.9), $"retried after {watch.Elapsed}, before the 2 s Retry-After");
    }
}
