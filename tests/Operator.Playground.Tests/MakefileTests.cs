namespace Operator.Playground.Tests;

/// <summary>
/// <c>make run</c> as typed (issue 18, Must show 3), run by the real make with a stand-in dotnet that records what it
/// was asked: ARGS reach the operator or the playground, and the build is announced before it starts.
/// </summary>
public sealed class MakefileTests
{
    [Fact]
    public async Task MakeRun_WithoutAKubeconfig_BuildsWithAProgressLine_ThenRunsThePlaygroundWithTheArgs()
    {
        var run = await Make.RunAsync("make run ARGS=\"--api-enabled --webhook-enabled\"", kubeconfig: false);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, run.DotnetCommands.Count);
        Assert.StartsWith("build tests/Operator.Playground", run.DotnetCommands[0], StringComparison.Ordinal);
        Assert.StartsWith("run --no-build --project tests/Operator.Playground", run.DotnetCommands[1], StringComparison.Ordinal);
        Assert.EndsWith("-- --api-enabled --webhook-enabled", run.DotnetCommands[1], StringComparison.Ordinal);
        var building = run.PrintedLines.ToList().FindIndex(l => l.Contains("building tests/Operator.Playground", StringComparison.Ordinal));
        var built = run.PrintedLines.ToList().FindIndex(l => l.Contains("built in", StringComparison.Ordinal));
        Assert.True(building >= 0 && built > building, string.Join('\n', run.PrintedLines));
    }

    [Fact]
    public async Task MakeRun_WithAKubeconfig_RunsTheOperatorWithInstallCrdsAndTheArgs()
    {
        var run = await Make.RunAsync("make run ARGS=--api-enabled", kubeconfig: true);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("build src/Operator", run.DotnetCommands[0], StringComparison.Ordinal);
        Assert.EndsWith("-- --install-crds --api-enabled", run.DotnetCommands[^1], StringComparison.Ordinal);
        Assert.Contains(run.PrintedLines, l => l.Contains("building src/Operator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MakePlayground_PassesArgsToo()
    {
        var run = await Make.RunAsync("make playground ARGS=--no-rbac", kubeconfig: false);

        Assert.Equal(0, run.ExitCode);
        Assert.EndsWith("-- --no-rbac", run.DotnetCommands[^1], StringComparison.Ordinal);
    }
}
