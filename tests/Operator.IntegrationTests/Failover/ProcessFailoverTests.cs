using Operator.Manifests;
using System.Diagnostics;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Entities.V1Alpha1;
using Operator.Hosting;
using Operator.Runtime;
using Operator.Testing;
using Operator.Testing.Kube;

namespace Operator.IntegrationTests.Failover;

/// <summary>
/// Leader failover between operator processes (<c>dotnet Operator.dll --leader-elect=true</c>) on one API emulator, in
/// real time: a SIGKILLed leader is replaced within the lease bounds, a SIGTERMed one hands the Lease over at once.
/// </summary>
[Collection(nameof(RealTimeMeasurements))]
public sealed class ProcessFailoverTests(ITestOutputHelper output) : IDisposable
{
    private const string Tenant = "acme";
    private const string Source = "store-src";
    private const string Ns = "team-f";
    private const string Group = "payments";
    private const string LeaseName = "secretgroup-operator-" + Tenant;
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(0.25);

    /// <summary>
    /// After taking over, the new leader re-reads the group once it is due (refreshInterval 1 s, so at most ~1 s after its
    /// last sync), then does one store read and one Secret write: 1 s for that due time plus 1 s for the reconcile itself
    /// and for scheduling three .NET processes (test, emulator, operator) on a shared 2-core machine. On a machine loaded
    /// beyond that, twice the first replica's cold first sync (the same path the new leader runs cold) counts.
    /// </summary>
    private static readonly TimeSpan ReconcileAllowance = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Not a measurement: a process that is neither ready nor exited by then is hung. An idle machine starts the operator
    /// and syncs the group in ~3 s; a machine with every core busy can take ten times that.
    /// </summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromMinutes(2);

    private readonly CancellationToken ct = TestContext.Current.CancellationToken;
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("failover-");
    private readonly List<OperatorProcess> processes = [];

    [Fact]
    public async Task KilledLeader_IsReplacedWithinLeasePlusRetry_AndAStoppedLeaderHandsOverFasterThanTheLease()
    {
        await using var kube = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { EnforceRbac = true }, ct);
        using var client = kube.CreateClient();
        await SetUpGroupAsync(client);

        // The replicas run as the ServiceAccount of config/rbac: leases only through its leader-election Role.
        var kubeconfig = Path.Combine(work.FullName, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, kube.KubeconfigYaml(await ShippedRbac.InstallAsync(client, ct)), ct);

        // The first replica alone leads at once; its first sync runs the reconcile path cold (JIT, connections), as a
        // follower's first reconcile after a takeover does: that time, on this machine now, sizes the allowance below.
        var a = await StartReadyAsync(kubeconfig, "a");
        var firstSync = Stopwatch.StartNew();
        await WaitForValueAsync(client, "v1", HangBound);
        var coldSync = firstSync.Elapsed;
        var allowance = TimeSpan.FromTicks(Math.Max(ReconcileAllowance.Ticks, 2 * coldSync.Ticks));
        var b = await StartReadyAsync(kubeconfig, "b");
        var (leader, leaderId) = await LeaderAsync(client, [a, b]);
        var survivor = leader == a ? b : a;
        output.WriteLine($"leader {leaderId} (pid {leader.Id}); follower pid {survivor.Id}");

        // Crash: SIGKILL, so the Lease is never released; the value changes right after, so only the survivor can write it.
        // Killed just after a renewal it made, so the Lease is fresh: on a loaded machine a leader that misses its own
        // renew deadline loses the Lease by itself, which would look like a takeover before the kill.
        await WaitForRenewalAsync(client, leaderId);
        var clock = Stopwatch.StartNew();
        leader.Kill();
        await SetSourceValueAsync(client, "v2");
        var takeover = await WaitForHolderAsync(client, h => h.Length > 0 && h != leaderId, clock);
        await WaitForValueAsync(client, "v2", HangBound); // timed by the assertion below, not by this wait
        var crashToValue = clock.Elapsed;
        var survivorId = await IdentityAsync(client, survivor);
        output.WriteLine($"crash: Lease taken after {takeover.Elapsed.TotalMilliseconds:F0} ms, new value in the managed Secret after {crashToValue.TotalMilliseconds:F0} ms " +
            $"(lease {LeaseDuration.TotalMilliseconds:F0} ms, retry {RetryPeriod.TotalMilliseconds:F0} ms, reconcile allowance {allowance.TotalMilliseconds:F0} ms from a cold first sync of {coldSync.TotalMilliseconds:F0} ms)");

        // A released Lease would be taken within about one RetryPeriod: half a LeaseDuration tells the two apart.
        Assert.True(takeover.Elapsed >= LeaseDuration / 2, $"Lease taken after {takeover.Elapsed}: the killed leader cannot have released it");
        Assert.True(crashToValue <= LeaseDuration + RetryPeriod + allowance, $"new value written {crashToValue} after the crash");
        Assert.Equal(survivorId, takeover.Holder);

        // Graceful: a fresh follower joins; SIGTERM to the leader releases the Lease on the way out.
        var c = await StartReadyAsync(kubeconfig, "c");
        await using var lease = await LeaseVersions.WatchAsync(client, LeaseName, ct);
        clock.Restart();
        survivor.Terminate();
        var handover = await WaitForHolderAsync(client, h => h.Length > 0 && h != survivorId, clock);
        var stopped = survivor.WaitForExit(TimeSpan.FromSeconds(30)); // a Pod's default terminationGracePeriodSeconds
        var exitedAfter = clock.Elapsed;
        await SetSourceValueAsync(client, "v3");
        await WaitForValueAsync(client, "v3", HangBound);
        var versions = lease.Seen();
        var taken = versions.FindIndex(v => v.Holder == handover.Holder);
        var released = taken > 0 && versions[taken - 1].Holder.Length == 0 ? versions[taken - 1] : default;
        var releaseToTakeover = taken > 0 ? versions[taken].At - released.At : TimeSpan.Zero;
        output.WriteLine($"graceful: Lease taken {handover.Elapsed.TotalMilliseconds:F0} ms after SIGTERM, {releaseToTakeover.TotalMilliseconds:F0} ms after its release (the old leader had exited by {exitedAfter.TotalMilliseconds:F0} ms, code {survivor.ExitCode}); Lease holders seen: {string.Join(", ", versions.Select(v => v.Holder.Length == 0 ? "(released)" : v.Holder))}");

        Assert.True(stopped, "the leader did not exit within 30 s of SIGTERM (a Pod's default grace period)");
        Assert.Contains(survivor.Output(), l => l.Contains($"Released Lease {ShippedRbac.Namespace}/{LeaseName}", StringComparison.Ordinal));
        Assert.Equal(await IdentityAsync(client, c), handover.Holder);

        // The new holder took the Lease the old one released, not one that expired: its version follows the release. How
        // long the old leader took to shut down before releasing is its own business (seconds on a loaded machine);
        // from the release, the follower needs one RetryPeriod, where an expired Lease would cost the LeaseDuration.
        Assert.True(released.Holder is not null, $"the new holder's Lease version does not follow a released one; holders seen: {string.Join(", ", versions.Select(v => v.Holder))}");
        Assert.True(releaseToTakeover < LeaseDuration, $"Lease taken {releaseToTakeover} after its release: a released Lease must not wait out the LeaseDuration");
        Assert.Empty(ShippedRbac.ForbiddenRequests(kube)); // leader election needs nothing config/rbac lacks
    }

    public void Dispose()
    {
        foreach (var p in processes)
        {
            p.Dispose();
        }

        foreach (var log in work.GetFiles("*.log"))
        {
            output.WriteLine($"--- {log.Name} (last lines)");
            foreach (var line in File.ReadLines(log.FullName).TakeLast(15))
            {
                output.WriteLine(line);
            }
        }

        work.Delete(recursive: true);
    }

    /// <summary>
    /// Starts an operator and waits for /readyz. Its free ports are picked before it binds them, so a parallel test
    /// can take one meanwhile: a start that fails on "address already in use" is retried with new ports.
    /// </summary>
    private async Task<OperatorProcess> StartReadyAsync(string kubeconfig, string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            var process = Start(kubeconfig, name);
            try
            {
                await WaitReadyAsync(process);
                return process;
            }
            catch (Exception) when (attempt < 3 && process.HasExited)
            {
                process.WaitForExit(TimeSpan.FromSeconds(5)); // drains its output
                if (!process.Output().Any(l => l.Contains("address already in use", StringComparison.OrdinalIgnoreCase)))
                {
                    throw;
                }

                output.WriteLine($"operator {name}: a port was taken before it bound it; starting again");
            }
        }
    }

    private OperatorProcess Start(string kubeconfig, string name)
    {
        var secrets = Directory.CreateDirectory(Path.Combine(work.FullName, "tfy-k8s-secrets")).FullName;
        var process = OperatorProcess.Start(
            OperatorProcess.BesideTests(),
            kubeconfig,
            Path.Combine(work.FullName, $"operator-{name}.log"),
            [
                $"--tenant={Tenant}", $"--namespace={ShippedRbac.Namespace}", "--leader-elect=true", "--log-format=text", "--workers=2", $"--tfy-k8s-secrets-path={secrets}",
                $"--lease-duration={LeaseDuration.TotalSeconds}s", "--lease-renew-deadline=1.5s", $"--lease-retry-period={RetryPeriod.TotalMilliseconds}ms",
            ],
            keepOutput: true);
        processes.Add(process);
        return process;
    }

    private static async Task SetUpGroupAsync(IKubernetes client)
    {
        await CrdInstaller.InstallAsync(client, CancellationToken.None);
        foreach (var ns in new[] { Source, Ns })
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        }

        await SetSourceValueAsync(client, "v1");
        await new ResourceClient<SecretStoreIntegration>(client).CreateAsync(
            new SecretStoreIntegration
            {
                Metadata = new V1ObjectMeta { Name = "k8s-store" },
                Spec = new SecretStoreIntegrationSpec { ProviderAccount = "local", Kubernetes = new KubernetesStoreSpec { SourceNamespace = Source }, MinRefreshInterval = "1s" },
            },
            CancellationToken.None);

        // Due every second (the integration allows it), so whoever leads re-reads the store within a second; the change is
        // not watched.
        await new ResourceClient<SecretGroup>(client).CreateAsync(
            new SecretGroup
            {
                Metadata = new V1ObjectMeta { Name = Group, NamespaceProperty = Ns },
                Spec = new SecretGroupSpec
                {
                    IntegrationFqn = $"{Tenant}:kubernetes:local:secret-store:k8s-store",
                    RefreshInterval = "1s",
                    Secrets = [new SecretKeySpec { Key = "API_KEY" }],
                },
            },
            CancellationToken.None);
    }

    /// <summary>The built-in store's source Secret <c>&lt;tenant&gt;.&lt;group&gt;</c>.</summary>
    private static async Task SetSourceValueAsync(IKubernetes client, string value)
    {
        var name = $"{Tenant}.{Group}";
        await TestClients.UpsertSecretAsync(client, Source, name, new Dictionary<string, byte[]> { ["API_KEY"] = Encoding.UTF8.GetBytes(value) });
    }

    private async Task WaitReadyAsync(OperatorProcess process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await PollAsync(
            async () =>
            {
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{process.HealthPort}/readyz"), ct);
                    return response.IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
                {
                    // Not listening yet, or too busy starting to answer within the client's timeout.
                    return false;
                }
            },
            $"operator pid {process.Id} /readyz",
            HangBound,
            process);
    }

    private async Task WaitForValueAsync(IKubernetes client, string expected, TimeSpan timeout) =>
        await PollAsync(
            async () =>
            {
                try
                {
                    var secret = await client.CoreV1.ReadNamespacedSecretAsync(Group, Ns, cancellationToken: ct);
                    return secret.Data?.TryGetValue("API_KEY", out var v) == true && Encoding.UTF8.GetString(v) == expected;
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    return false;
                }
            },
            $"API_KEY={expected} in the managed Secret",
            timeout);

    /// <summary>Polls the Lease until <paramref name="accept"/> likes its holder; the time is read off <paramref name="since"/>.</summary>
    private async Task<(string Holder, TimeSpan Elapsed)> WaitForHolderAsync(IKubernetes client, Func<string, bool> accept, Stopwatch since)
    {
        var holder = "";
        var at = TimeSpan.Zero;
        await PollAsync(
            async () =>
            {
                holder = await HolderAsync(client);
                at = since.Elapsed;
                return accept(holder);
            },
            "a new Lease holder",
            HangBound);
        return (holder, at);
    }

    /// <summary>Waits until <paramref name="holder"/> renews the Lease (its renewTime moves).</summary>
    private async Task WaitForRenewalAsync(IKubernetes client, string holder)
    {
        var first = (await client.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, ShippedRbac.Namespace, cancellationToken: ct)).Spec?.RenewTime;
        await PollAsync(
            async () =>
            {
                var spec = (await client.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, ShippedRbac.Namespace, cancellationToken: ct)).Spec;
                Assert.Equal(holder, spec?.HolderIdentity);
                return spec?.RenewTime != first;
            },
            $"{holder} to renew the Lease",
            HangBound);
    }

    private async Task<string> HolderAsync(IKubernetes client)
    {
        try
        {
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, ShippedRbac.Namespace, cancellationToken: ct);
            return lease.Spec?.HolderIdentity ?? "";
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return "";
        }
    }

    /// <summary>The process that logged "&lt;holder&gt; became leader" for the Lease's current holder.</summary>
    private async Task<(OperatorProcess Process, string Identity)> LeaderAsync(IKubernetes client, IReadOnlyList<OperatorProcess> candidates)
    {
        (OperatorProcess, string)? found = null;
        await PollAsync(
            async () =>
            {
                var holder = await HolderAsync(client);
                var process = holder.Length == 0 ? null : candidates.FirstOrDefault(p => p.Output().Any(l => l.Contains($"{holder} became leader", StringComparison.Ordinal)));
                found = process is null ? null : (process, holder);
                return found is not null;
            },
            "a leader",
            HangBound);
        return found!.Value;
    }

    /// <summary>The identity a process campaigns under, from its "became leader" log line.</summary>
    private async Task<string> IdentityAsync(IKubernetes client, OperatorProcess process)
    {
        var (leader, identity) = await LeaderAsync(client, [process]);
        Assert.Same(process, leader);
        return identity;
    }

    private async Task PollAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, OperatorProcess? process = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (process?.HasExited == true)
            {
                Assert.Fail($"operator pid {process.Id} exited while waiting for {what}");
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}");
            }

            await Task.Delay(25, ct);
        }
    }
}

/// <summary>Runs alone, after the parallel tests: wall-clock bounds should not measure the other tests' load.</summary>
[CollectionDefinition(nameof(RealTimeMeasurements), DisableParallelization = true)]
public sealed class RealTimeMeasurements;
