namespace Operator.Testing.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void TestAssemblyLoads() => Assert.Equal("Operator.Testing.Tests", typeof(SmokeTests).Assembly.GetName().Name);
}
