using System.Diagnostics;
using Operator.References;
using Operator.Stores;
using Operator.Testing.Stores.Azure;

namespace Operator.Tests.Stores;

/// <summary>Key Vault failures as production answers them: a disabled secret, and throttling with Retry-After.</summary>
public sealed class AzureFailureTests
{
    private static readonly GroupFqn Group = new("acme", "payments");

    [Fact]
    public async Task DisabledSecret_IsSecretDisabled_NotAccessDenied_AndNotRetried()
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        await using var store = AzureFakeClients.Create(fake);
        var path = store.DefaultPath(Group, "API_KEY");
        fake.Seed(path, "v");
        fake.Disable(path);

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(path, CancellationToken.None));

        Assert.Equal("SecretDisabled", e.Reason);
        Assert.False(e.Retry);
        Assert.Contains("disabled", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, fake.CallCount("get"));
    }

    [Fact]
    public async Task Throttled_WaitsTheRetryAfterTheVaultAsksFor()
    {
        await using var fake = await AzureKeyVaultFake.StartAsync();
        await using var store = AzureFakeClients.Create(fake);
        var path = store.DefaultPath(Group, "K");
        fake.Seed(path, "v");
        await store.ReadAsync(path, CancellationToken.None);
        fake.Faults.RetryAfter = TimeSpan.FromSeconds(2);
        fake.Faults.ThrottleNext(1);

        var watch = Stopwatch.StartNew();
        var value = await store.ReadAsync(path, CancellationToken.None);

        Assert.Equal("v", value!.Text());
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.9), $"retried after {watch.Elapsed}, before the 2 s Retry-After");
    }
}
