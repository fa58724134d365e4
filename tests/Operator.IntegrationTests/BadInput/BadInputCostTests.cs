using Operator.IntegrationTests.Cost;

namespace Operator.IntegrationTests.BadInput;

/// <summary>
/// Cost as a property of every bad input: over a stretch of fake time, each case of corpus.json (and the cases below it
/// in AliasCostTests and IntegrationFlapCostTests) costs no more reconciles, API writes, Events and log lines than the
/// backoff schedule allows, and a case in a terminal error costs nothing more until something it depends on changes.
/// </summary>
public sealed class BadInputCostTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Stretch = TimeSpan.FromMinutes(30);

    [Fact]
    public async Task EveryBadInput_CostsNoMoreThanTheBackoffAllows_AndATerminalOneNothingAfterwards()
    {
        var corpus = BadInputCorpus.Load();
        await using var h = await OperatorHarness.StartAsync();
        await BadInputCorpus.SetUpAsync(h);
        await h.WaitForIntegrationAsync();
        await h.WaitForIntegrationAsync("open");
        await h.CreateNamespaceAsync("baseline");
        await h.SetSourceValuesAsync("baseline", new Dictionary<string, string> { ["K"] = "baseline-value" });
        await h.CreateGroupAsync("baseline", "baseline", ["K"], g => g.Spec.RefreshInterval = "0");
        await h.WaitForGroupAsync("baseline", "baseline", "True", "Synced");
        await h.AdvanceAsync(TimeSpan.FromSeconds(5)); // every case is younger than the baseline

        var meter = new CostMeter(h);
        await meter.StartAsync();
        var created = new List<BadInputCorpus.Placed>();
        var refusedByTheApi = 0;
        for (var i = 0; i < corpus.Count; i++)
        {
            var (placed, refused) = await BadInputCorpus.CreateAsync(h, corpus[i], i);
            if (refused is null)
            {
                created.Add(placed);
            }
            else
            {
                refusedByTheApi++;
            }
        }

        await meter.RunAsync(Stretch);

        // Bounds from the schedule: a retried failure makes at most MaxAttempts reconciles in the stretch, plus its first
        // look, the echo of its one status write and a requeue by a neighbour. Writes: at most one refused write of the
        // managed Secret per reconcile (a Secret over 1 MiB, a foreign Secret of that name), the status write(s) and the
        // Event series' writes. Log lines do not grow with attempts: one per distinct failure.
        var attempts = CostBounds.MaxAttempts(Stretch);
        var eventWrites = CostBounds.MaxEventWrites(Stretch);
        var bound = new GroupCost(attempts + 3, attempts + 3 + 2 + eventWrites, eventWrites, 2);
        var failures = new List<string>();
        output.WriteLine($"{corpus.Count} cases: {refusedByTheApi} refused by the API (no object, no operator work), {created.Count} reached the operator; bound per case over {Stretch}: {bound}");
        var costs = new Dictionary<BadInputCorpus.Placed, GroupCost>();
        foreach (var p in created)
        {
            var cost = await meter.OfAsync(p.Namespace, p.Name);
            costs[p] = cost;
            output.WriteLine($"  {p.Case.Name} ({p.Case.Expect.Reason}{(meter.IsTerminal(p.Namespace, p.Name) ? ", terminal" : "")}): {cost}");
            if (cost.Reconciles > bound.Reconciles || cost.ApiWrites > bound.ApiWrites || cost.EventWrites > bound.EventWrites || cost.LogLines > bound.LogLines)
            {
                failures.Add($"{p.Case.Name}: {cost} over {Stretch}, bound {bound}");
            }
        }

        // A second stretch: a terminal case costs nothing; a retried one retries at the backoff cap.
        await meter.StartAsync();
        await meter.RunAsync(Stretch);
        var atCap = (int)(Stretch / (BackoffCapAtShortestJitter())) + 1;
        foreach (var p in created)
        {
            var cost = await meter.OfAsync(p.Namespace, p.Name);
            if (meter.IsTerminal(p.Namespace, p.Name) ? cost != new GroupCost(0, 0, 0, 0) : cost.Reconciles > atCap + 1)
            {
                failures.Add($"{p.Case.Name}: {cost} in the second {Stretch} ({(meter.IsTerminal(p.Namespace, p.Name) ? "terminal: expected nothing" : $"retried: at most {atCap + 1} reconciles")})");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static TimeSpan BackoffCapAtShortestJitter() => Operator.Runtime.BackoffOptions.Default.DelayFor(64, 0);
}
