namespace Operator.Runtime.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void TestAssemblyLoads() => Assert.Equal("Operator.Runtime.Tests", typeof(SmokeTests).Assembly.GetName().Name);
}
