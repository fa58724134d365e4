namespace Operator.Playground.Tests;

/// <summary>
/// Every command README.md and the docs print runs with the real kubectl on the playground, verbatim, in the order
/// printed; where the docs show its output, the stable parts must match. A README edit that breaks a command fails here.
/// </summary>
public sealed class DocCommandTests(SharedPlayground shared) : IClassFixture<SharedPlayground>
{
    public static TheoryData<string> Blocks() => [.. DocCommands.In(Repo.Root).Select(b => b.ToString()).Distinct()];

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task PrintedCommands_WorkOnThePlayground_AsPrinted(string block)
    {
        Kubectl.RequireInstalled();
        var commands = DocCommands.In(Repo.Root).Where(b => b.ToString() == block).SelectMany(b => b.Commands).ToList();
        var skipped = commands.Select(DocCommandRules.Skip).OfType<string>().ToList();
        var run = commands.Where(c => DocCommandRules.Skip(c) is null && !DocCommandRules.IsPlaygroundStart(c)).ToList();
        var started = commands.Where(c => DocCommandRules.IsPlaygroundStart(c) && c.ShownOutput is not null).ToList();
        if (run.Count == 0 && started.Count == 0)
        {
            Assert.Skip($"not run here: {string.Join("; ", skipped)}");
        }

        var failures = new List<string>();
        foreach (var start in started)
        {
            failures.AddRange(await StartOutputProblemsAsync(start));
        }

        if (run.Count > 0)
        {
            var isolated = run.Any(DocCommandRules.Isolated) ? await RunningPlayground.StartAsync(SharedPlayground.Args()) : null;
            try
            {
                var playground = isolated ?? await shared.GetAsync();
                var runs = await DocShell.RunAsync(playground, [.. run.SelectMany(DocCommandRules.Setup).Distinct()], [.. run.Select(DocCommandRules.Filled)]);
                failures.AddRange(run.Zip(runs).Select(p => Problem(p.First, p.Second)).OfType<string>());
            }
            finally
            {
                if (isolated is not null)
                {
                    await isolated.DisposeAsync();
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public void Docs_PrintTheQuickstart_AndEveryNotRunCommandIsStillPrinted()
    {
        var printed = DocCommands.In(Repo.Root).SelectMany(b => b.Commands).Select(c => c.Text).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("kubectl get sg -A", printed);
        Assert.Contains("make run", printed);
        Assert.All(DocCommandRules.NotRun.Keys, text => Assert.Contains(text, printed));
    }

    /// <summary>A command fails when it exits non-zero (unless the docs show the error it prints) or prints other than shown.</summary>
    private static string? Problem(DocCommand command, CommandRun run)
    {
        if (command.ShownOutput is { } shown)
        {
            return ShownOutput.Mismatch(shown, run.Output) is { } mismatch ? $"{command}\n(exit {run.ExitCode}) {mismatch}" : null;
        }

        return run.ExitCode == 0 ? null : $"{command}\nexit {run.ExitCode}:\n{run.Output}";
    }

    /// <summary>
    /// <c>make run</c>'s shown output: its own lines as make prints them (run for real, with a stand-in dotnet so nothing
    /// builds), then the playground's start-up output up to its banner's last line.
    /// </summary>
    private async Task<IEnumerable<string>> StartOutputProblemsAsync(DocCommand start)
    {
        var make = await Make.RunAsync(start.Text, kubeconfig: false);
        var playground = (await shared.GetAsync()).Output();
        var end = playground.ToList().FindIndex(l => l.StartsWith("Stop with Ctrl-C", StringComparison.Ordinal));
        var seen = make.PrintedLines.Concat(playground.Take(end + 1));
        return ShownOutput.Mismatch(start.ShownOutput!, string.Join('\n', seen)) is { } mismatch ? [$"{start}\n{mismatch}"] : [];
    }
}
