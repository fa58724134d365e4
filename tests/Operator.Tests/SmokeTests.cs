namespace Operator.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void TestAssemblyLoads() => Assert.Equal("Operator.Tests", typeof(SmokeTests).Assembly.GetName().Name);
}
