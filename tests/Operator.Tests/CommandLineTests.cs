using Operator.Hosting;

namespace Operator.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void BareFlag_BecomesTrue_AndDashesAreDropped() =>
        Assert.Equal(["--installcrds=true", "--tenant=acme", "--healthport=0"], CommandLine.Normalize(["--install-crds", "--tenant", "acme", "--health-port=0"]));

    [Fact]
    public void PositionalArgument_IsRefusedWithAHint()
    {
        var e = Assert.Throws<ArgumentException>(() => CommandLine.Normalize(["tenant"]));
        Assert.Contains("--tenant=my-tenant", e.Message, StringComparison.Ordinal);
    }
}
