using System.Text.Json;

namespace Operator.Tests;

/// <summary>The operator binary's runtime settings that make bench measures (Operator.runtimeconfig.json, copied here with the reference).</summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void OperatorRunsWithWorkstationNonConcurrentGc_SoItsMemoryStaysSmall()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Operator.runtimeconfig.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var properties = doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.False(properties.GetProperty("System.GC.Concurrent").GetBoolean());
    }
}
