using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.IntegrationTests.Cost;

/// <summary>
/// Bad aliases cost bounded work: groups whose keys alias each other in a loop are refused (ReferenceCycle) for a
/// handful of API writes, not a loop (a group never requeues itself, and a terminal error is not reconciled again until
/// something changes); an alias to a group being deleted is retried with backoff.
/// </summary>
public sealed class AliasCostTests(ITestOutputHelper output)
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
        await h.WaitForIntegrationAsync();
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
            var cost = await meter.OfAsync(ns, name);
            output.WriteLine($"{ns}/{name} until settled: {cost}");
            Assert.True(cost.Reconciles <= 3 && cost.ApiWrites <= 2 && cost.EventWrites <= 1 && cost.LogLines <= 1, $"{name}: {cost}\n{string.Join("\n", meter.LinesOf(ns, name))}");
        }

        // Then nothing at all: a terminal error is not reconciled again until something it depends on changes.
        await meter.StartAsync();
        await meter.RunAsync(Stretch);
        foreach (var (ns, name) in groups)
        {
            Assert.Equal(new GroupCost(0, 0, 0, 0), await meter.OfAsync(ns, name));
        }
    }

    [Fact]
    public async Task AliasToAGroupBeingDeleted_IsRetriedWithBackoff_NotInALoop()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync("target");
        await h.CreateNamespaceAsync("aliasing");
        await h.CreateIntegrationAsync();
        await h.WaitForIntegrationAsync();
        await h.SetSourceValuesAsync("target", new Dictionary<string, string> { ["K"] = "v" });

        // Another controller's finalizer keeps the target in deletion for the whole stretch.
        await h.CreateGroupAsync("target", "target", ["K"], g =>
        {
            g.Spec.SharedWithNamespaces = ["aliasing"];
            g.Metadata.Finalizers = ["example.com/hold"];
        });
        await h.WaitForGroupAsync("target", "target", "True", "Synced");
        await h.CreateGroupAsync("aliasing", "aliasing", [], g => g.Spec.Secrets = [new SecretKeySpec { Key = "K", RemoteRef = $"tfy-secret://{h.Tenant}:target:K" }]);
        await h.WaitForGroupAsync("aliasing", "aliasing", "True", "Synced");

        var meter = new CostMeter(h);
        await meter.StartAsync();
        await new ResourceClient<SecretGroup>(h.Client).DeleteAsync(new ObjectKey("target", "target"), CancellationToken.None);

        // The aliasing group keeps its last good value until it looks again (its refresh, within the hour), then retries.
        var stretch = TimeSpan.FromHours(2);
        await meter.RunAsync(stretch);

        await h.WaitForGroupAsync("aliasing", "aliasing", "False", "AliasNotFound");
        var cost = await meter.OfAsync("aliasing", "aliasing");
        var target = await meter.OfAsync("target", "target");
        output.WriteLine($"aliasing over {stretch}: {cost}; target (being deleted): {target}");
        var attempts = CostBounds.MaxAttempts(stretch);
        var events = CostBounds.MaxEventWrites(stretch);
        Assert.True(cost.Reconciles <= attempts + 2 && cost.ApiWrites <= 1 + events && cost.EventWrites <= events && cost.LogLines == 1, $"{cost}; bound {attempts + 2} reconciles, {1 + events} writes, 1 log line");
        Assert.True(target.Reconciles <= 2 && target.ApiWrites == 0 && target.LogLines == 0, $"target: {target}");
    }
}
