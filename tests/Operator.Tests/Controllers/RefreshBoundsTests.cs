using k8s.Models;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;

namespace Operator.Tests.Controllers;

public sealed class RefreshBoundsTests
{
    private static readonly TimeSpan Fallback = TimeSpan.FromHours(1);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("10s", 10)]
    [InlineData("1h30m", 5400)]
    [InlineData("24h", 86400)]
    public void AnIntervalWithinTheBounds_OrZero_IsTaken(string text, double seconds)
    {
        var (interval, error) = RefreshBounds.For(Group(text), Integration(), Fallback);

        Assert.Null(error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), interval);
    }

    [Theory]
    [InlineData("1ms", "spec.refreshInterval: '1ms' is below the floor of 10s set by integration 'store' (spec.minRefreshInterval)")]
    [InlineData("9s", "spec.refreshInterval: '9s' is below the floor of 10s")]
    [InlineData("24h1s", "spec.refreshInterval: '24h1s' is above the ceiling of 24h")]
    [InlineData("999999h", "spec.refreshInterval: '999999h' is not a duration")]
    [InlineData("soon", "spec.refreshInterval: 'soon' is not a duration such as 30s, 5m or 1h (0 turns periodic refresh off)")]
    public void AnIntervalOutOfBounds_IsRefused_NamingTheField(string text, string message)
    {
        var (_, error) = RefreshBounds.For(Group(text), Integration(), Fallback);

        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheIntegrationMayAllowLess_ButNotUnderASecond()
    {
        Assert.Null(RefreshBounds.For(Group("2s"), Integration(min: "2s"), Fallback).Error);
        Assert.Contains("below the floor of 2s", RefreshBounds.For(Group("1s"), Integration(min: "2s"), Fallback).Error, StringComparison.Ordinal);
        Assert.Equal("spec.minRefreshInterval: '500ms' must be a duration between 1s and 24h", RefreshBounds.CheckIntegration(new SecretStoreIntegrationSpec { MinRefreshInterval = "500ms" }));
    }

    [Fact]
    public void WithoutItsOwn_AGroupTakesTheIntegrationsSyncInterval_ElseTheFallback()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), RefreshBounds.For(Group(null), Integration(sync: "5m"), Fallback).Interval);
        Assert.Equal(TimeSpan.Zero, RefreshBounds.For(Group(null), Integration(sync: "0"), Fallback).Interval);
        Assert.Equal(Fallback, RefreshBounds.For(Group(null), Integration(), Fallback).Interval);
        Assert.StartsWith("spec.syncInterval: '5s' is below the floor of 10s", RefreshBounds.CheckIntegration(new SecretStoreIntegrationSpec { SyncInterval = "5s" }), StringComparison.Ordinal);
    }

    private static SecretGroup Group(string? interval) => new() { Metadata = new V1ObjectMeta { Name = "g" }, Spec = new SecretGroupSpec { RefreshInterval = interval } };

    private static SecretStoreIntegration Integration(string? min = null, string? sync = null) =>
        new() { Metadata = new V1ObjectMeta { Name = "store" }, Spec = new SecretStoreIntegrationSpec { MinRefreshInterval = min, SyncInterval = sync } };
}
