using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Cost;

/// <summary>
/// Groups whose keys alias each other in a loop are refused (ReferenceCycle), and that costs a handful of API writes,
/// not a loop: a group never requeues itself, and a terminal error is not reconciled again until something changes.
/// </summary>
public sealed class AliasCycleCostTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Stretch = TimeSpan.FromMinutes(30);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task AliasCycle_IsRefused_AtATerminalCost(int length)
    {
        await using var h = await OperatorHarness.StartAsync();
        // One namespace per group, each shared with the others, so that API writes are counted per group.
        var spaces = Enumerable.Range(0, length).Select(i => $"cycle{length}-{i}").ToList();
        foreach (var ns in spaces)
        {
            await h.CreateNamespaceAsync(ns);
        }

        // Created while the operator is down, so that its first look at each group sees the whole cycle.
        await h.CreateIntegrationAsync();
        var meter = new CostMeter(h);
        await meter.StartAsync();
        await h.StopOperatorAsync();
        for (var i = 0; i < length; i++)
        {
            var next = $"g{(i + 1) % length}";
            await h.CreateGroupAsync(spaces[i], $"g{i}", [], g =>
            {
                g.Spec.Secrets = [new SecretKeySpec { Key = "K", RemoteRef = $"tfy-secret://{h.Tenant}:{next}:K" }];
                g.Spec.SharedWithNamespaces = spaces;
            });
        }

        await h.StartOperatorAsync();
        await meter.RunAsync(TimeSpan.FromMinutes(10));
        var groups = spaces.Select((ns, i) => (Namespace: ns, Name: $"g{i}")).ToList();
        foreach (var (ns, name) in groups)
        {
            var group = await h.WaitForGroupAsync(ns, name, "False", "ReferenceCycle");
            Assert.Contains("reference cycle", group.Status!.Conditions!.Single(c => c.Type == "Ready").Message, StringComparison.Ordinal);
        }

        // Until settled: the first reconcile, the echo of its status write and the requeue by the aliasing neighbour's
        // first generation; one status write, one Event, one log line.
        foreach (var (ns, name) in groups)
        {
            var cost = meter.Of(ns, name);
            output.WriteLine($"{ns}/{name} until settled: {cost}");
            Assert.True(cost.Reconciles <= 3 && cost.ApiWrites <= 2 && cost.EventWrites <= 1 && cost.LogLines <= 1, $"{name}: {cost}\n{string.Join("\n", meter.LinesOf(ns, name))}");
        }

        // Then nothing at all: a terminal error is not reconciled again until something it depends on changes.
        await meter.StartAsync();
        await meter.RunAsync(Stretch);
        foreach (var (ns, name) in groups)
        {
            Assert.Equal(new GroupCost(0, 0, 0, 0), meter.Of(ns, name));
        }
    }
}
