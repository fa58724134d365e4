namespace Operator.IntegrationTests;

public sealed class SmokeTests
{
    [Fact]
    public void TestAssemblyLoads() => Assert.Equal("Operator.IntegrationTests", typeof(SmokeTests).Assembly.GetName().Name);
}
