namespace Operator.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("1h", 3600)]
    [InlineData("90s", 90)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData("250ms", 0.25)]
    public void ParsesGoDurations(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var d));
        Assert.Equal(seconds, d.TotalSeconds, 3);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("1d")]
    [InlineData("h")]
    [InlineData("-1h")]
    [InlineData("0s")]
    [InlineData("1h ")]
    [InlineData("9000h")]
    public void RejectsAnythingElse(string? text) => Assert.False(Durations.TryParse(text, out _));

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("0m0s")]
    public void Zero_IsAcceptedOnlyWhenAllowed(string text)
    {
        Assert.False(Durations.TryParse(text, out _));
        Assert.True(Durations.TryParse(text, allowZero: true, out var zero));
        Assert.Equal(TimeSpan.Zero, zero);
    }
}
