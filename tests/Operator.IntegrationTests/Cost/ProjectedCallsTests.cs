using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.IntegrationTests.Stores;
using Operator.Observability;
using Operator.Runtime;
using Operator.Testing;

namespace Operator.IntegrationTests.Cost;

/// <summary>status.projectedMonthlyCalls of an integration (issue 21.3): the SSM fake, the emulator, kubectl get.</summary>
public sealed class ProjectedCallsTests
{
    private const string Ns = AwsSyncTests.Ns;

    private static string StatusPath => $"/apis/{Entities.V1Alpha1.Api.Group}/{Entities.V1Alpha1.Api.Version}/secretstoreintegrations/{AwsSyncTests.Integration}/status";

    private static async Task<long?> ProjectionAsync(OperatorHarness h) =>
        (await new ResourceClient<SecretStoreIntegration>(h.Client).GetAsync(new ObjectKey(null, AwsSyncTests.Integration), CancellationToken.None))?.Status?.ProjectedMonthlyCalls;

    private static Task WaitForProjectionAsync(OperatorHarness h, long expected) =>
        OperatorHarness.WaitForAsync(async () => await ProjectionAsync(h) == expected, $"projectedMonthlyCalls {expected}", () => $"{ProjectionAsync(h).GetAwaiter().GetResult()}");

    private static int StatusWrites(OperatorHarness h) => h.Emulator.Requests.Count(r => r.Method is "PUT" or "PATCH" && r.Path == StatusPath);

    [Fact]
    public async Task ThreeGroupsOf25KeysHourlyOnSsm_Project6480Calls_AsMeasured_CreatedOnceLowersIt_WritesCoalesced()
    {
        var (h, fake) = await AwsSyncTests.StartAsync();
        await using var _ = h;
        await using var __ = fake;
        string[] groups = ["alpha", "beta", "gamma"];
        var keys = Enumerable.Range(1, 25).Select(i => $"KEY_{i:D2}").ToList();
        foreach (var g in groups)
        {
            keys.ForEach(k => fake.Seed($"/tfy-secret/acme/{g}/{k}", "value"));
        }

        // The edits below read the store 90 times at once: a bucket they cannot empty, since fake time only moves when idle.
        await h.UpdateAsync<SecretStoreIntegration>(new ObjectKey(null, AwsSyncTests.Integration), i => i.Spec.RateLimit = new RateLimitSpec { Qps = 1000, Burst = 1000 });
        await AwsSyncTests.WaitForIntegrationAsync(h, "True", "Validated");
        await WaitForProjectionAsync(h, 0);
        foreach (var g in groups)
        {
            await AwsSyncTests.CreateGroupAsync(h, g, keys, refresh: "1h");
        }

        foreach (var g in groups)
        {
            await h.WaitForGroupAsync(Ns, g, "True", "Synced");
        }

        // 25 keys in batches of 10: 3 GetParameters per sync, 720 hourly syncs in 30 days, 3 groups.
        await h.AdvanceAsync(ProjectionClock.MinInterval);
        await WaitForProjectionAsync(h, 3 * 3 * 720);

        // What the projection assumes per interval is what one hour of refreshes costs, by the operator's own counter of
        // the groups' store calls (the integration's connectivity checks count under namespace '-').
        using var calls = new MetricCollector<long>(h.Host!.Services.GetRequiredService<IMeterFactory>(), OperatorMetrics.MeterName, "secretgroup_store_calls_total");
        long GroupCalls() => calls.GetMeasurementSnapshot().Where(m => Equals(m.Tags["namespace"], Ns)).Sum(m => m.Value);
        await h.AdvanceAsync(TimeSpan.FromHours(1) * (1 + SyncSchedule.MaxJitter));
        await OperatorHarness.WaitForAsync(() => Task.FromResult(GroupCalls() >= 9), "one hourly refresh of each group");
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(3 * 3, GroupCalls());

        // kubectl shows it beside Ready.
        if (KubectlProcess.IsInstalled)
        {
            var listed = await KubectlGetAsync(h);
            Assert.Matches(new Regex(@"CALLS/MONTH"), listed);
            Assert.Matches(new Regex($@"(?m)^{AwsSyncTests.Integration}\s+True\s+\S+\s+6480\s"), listed);
        }

        // Thirty spec edits in one coalescing interval cost at most two status writes; the last edit wins.
        var writes = StatusWrites(h);
        for (var i = 0; i < 30; i++)
        {
            var interval = i / 3 % 2 == 0 ? "2h" : "1h"; // ten rounds over the three groups, the last back to 1h
            await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, groups[i % 3]), g => g.Spec.RefreshInterval = interval);
        }

        await h.UpdateAsync<SecretGroup>(new ObjectKey(Ns, "gamma"), g => (g.Spec.RefreshPolicy, g.Spec.RefreshInterval) = (SecretGroupSpec.CreatedOnce, null));
        await h.AdvanceAsync(ProjectionClock.MinInterval);
        await WaitForProjectionAsync(h, 2 * 3 * 720);
        await h.AdvanceAsync(ProjectionClock.MinInterval);
        Assert.InRange(StatusWrites(h) - writes, 1, 2);
        Assert.Equal(2 * 3 * 720, await ProjectionAsync(h));
    }

    private static async Task<string> KubectlGetAsync(OperatorHarness h)
    {
        var dir = Directory.CreateTempSubdirectory("kubectl-ssi-").FullName;
        try
        {
            var kubeconfig = Path.Combine(dir, "kubeconfig");
            await File.WriteAllTextAsync(kubeconfig, h.Emulator.KubeconfigYaml());
            var result = await KubectlProcess.RunAsync(["--kubeconfig", kubeconfig, "get", "ssi"], dir, TimeSpan.FromSeconds(60), CancellationToken.None);
            Assert.True(result.ExitCode == 0, $"kubectl get ssi failed: {result.Stderr}");
            return result.Stdout;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
