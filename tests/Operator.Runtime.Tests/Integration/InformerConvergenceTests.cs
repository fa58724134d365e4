using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Testing;
using Operator.Testing.Kube;

namespace Operator.Runtime.Tests.Integration;

/// <summary>The informer over a real client against the emulator: its cache ends equal to the API after watch outages.</summary>
public sealed class InformerConvergenceTests(ITestOutputHelper output)
{
    private const string Ns = "informer-it";
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cache_ConvergesToTheApi_AfterRepeatedWatchDrops_ResumingWithoutRelisting()
    {
        await using var kube = await KubeApiEmulator.StartAsync(cancellationToken: ct);
        using var client = kube.CreateClient();
        var gate = new WatchGate();
        var (informer, stop, run) = await StartInformerAsync(kube, client, gate);

        var churn = new Churn(client);
        for (var round = 0; round < 4; round++)
        {
            // The watch stays down until the gate opens, so every change of the round happens while it is down.
            var watchesBefore = Count(kube, IsWatch);
            gate.Close();
            kube.DropWatches();
            await churn.RoundAsync(round);
            gate.Open();
            await Wait.ForAsync(() => Count(kube, IsWatch) > watchesBefore, "the informer to watch again");
            await AssertConvergedAsync(client, informer);
        }

        Assert.Equal(1, Count(kube, IsList));
        Assert.True(churn.Deleted > 0);
        output.WriteLine($"watches: {Count(kube, IsWatch)}, lists: {Count(kube, IsList)}, objects: {informer.List().Count}");

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5), ct);
    }

    [Fact]
    public async Task Cache_ConvergesToTheApi_AfterGone_ByRelisting_IncludingDeletionsWhileTheWatchWasDown()
    {
        await using var kube = await KubeApiEmulator.StartAsync(cancellationToken: ct);
        using var client = kube.CreateClient();
        var gate = new WatchGate();
        var (informer, stop, run) = await StartInformerAsync(kube, client, gate);

        var churn = new Churn(client);
        for (var round = 0; round < 3; round++)
        {
            // The informer must be watching before the drop. A watch request still on its way subscribes after the drop,
            // sees the round's changes live and rightly never needs a relist: under load the test waited for one in vain.
            await Wait.ForAsync(() => WatchingSinceLastList(kube), "the informer to watch after its last list");
            var listsBefore = Count(kube, IsList);
            gate.Close();
            kube.DropWatches();
            await churn.RoundAsync(round);

            // History is gone: the resumed watch gets 410 Gone and the informer must relist to see the changes above.
            kube.CompactHistory();
            gate.Open();
            await Wait.ForAsync(() => Count(kube, IsList) > listsBefore, "the informer to relist after 410 Gone");
            await AssertConvergedAsync(client, informer);
        }

        Assert.Equal(4, Count(kube, IsList));
        Assert.True(churn.Deleted > 0);
        output.WriteLine($"watches: {Count(kube, IsWatch)}, lists: {Count(kube, IsList)}, objects: {informer.List().Count}");

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5), ct);
    }

    // The informer watches and lists in its namespace; the test's own checks list across all namespaces.
    private static bool IsWatch(RecordedRequest r) => r.Path == $"/api/v1/namespaces/{Ns}/configmaps" && r.Query.Contains("watch=true");

    private static bool IsList(RecordedRequest r) => r.Method == "GET" && r.Path == $"/api/v1/namespaces/{Ns}/configmaps" && !r.Query.Contains("watch=true");

    private static int Count(KubeApiEmulator kube, Func<RecordedRequest, bool> match) => kube.Requests.Count(match);

    /// <summary>A watch answered after the last list (requests are recorded once the emulator has subscribed the watch).</summary>
    private static bool WatchingSinceLastList(KubeApiEmulator kube)
    {
        var requests = kube.Requests.ToList();
        return requests.FindLastIndex(r => IsWatch(r)) > requests.FindLastIndex(r => IsList(r));
    }

    private async Task<(ResourceInformer<V1ConfigMap> Informer, CancellationTokenSource Stop, Task Run)> StartInformerAsync(KubeApiEmulator kube, IKubernetes client, WatchGate gate)
    {
        await Setup.CreateNamespaceAsync(client, Ns);
        for (var i = 0; i < 10; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(Churn.ConfigMap($"seed-{i}", "v0"), Ns, cancellationToken: ct);
        }

        var informer = new ResourceInformer<V1ConfigMap>(
            new KubernetesListWatcher<V1ConfigMap>(new ResourceClient<V1ConfigMap>(new Kubernetes(kube.CreateClientConfiguration(), gate)), new InformerOptions { Namespace = Ns }),
            TimeProvider.System,
            new FakeLogger());
        var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(ct).WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.Equal(10, informer.List().Count);
        await Wait.ForAsync(() => Count(kube, IsWatch) >= 1, "the informer to watch");
        return (informer, stop, run);
    }

    /// <summary>Waits until the cache holds exactly what a fresh List returns (names and resourceVersions).</summary>
    private async Task AssertConvergedAsync(IKubernetes client, ResourceInformer<V1ConfigMap> informer)
    {
        string[] expected = [];
        string[] Cached() => [.. informer.List().Select(c => $"{c.Metadata.Name}@{c.Metadata.ResourceVersion}").Order(StringComparer.Ordinal)];
        await Wait.ForAsync(
            async () =>
            {
                var fresh = await client.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: $"metadata.namespace={Ns}", cancellationToken: ct);
                expected = [.. fresh.Items.Select(c => $"{c.Metadata.Name}@{c.Metadata.ResourceVersion}").Order(StringComparer.Ordinal)];
                return expected.SequenceEqual(Cached());
            },
            "the cache to equal a fresh list",
            TimeSpan.FromSeconds(10),
            () => $"API: {string.Join(' ', expected)} | cache: {string.Join(' ', Cached())}");
        Assert.Equal(expected, Cached());
    }

    /// <summary>Creates, updates and deletes a few ConfigMaps per round.</summary>
    private sealed class Churn(IKubernetes client)
    {
        private readonly List<string> live = [.. Enumerable.Range(0, 10).Select(i => $"seed-{i}")];

        public int Deleted { get; private set; }

        public static V1ConfigMap ConfigMap(string name, string value) => new()
        {
            Metadata = new V1ObjectMeta { Name = name },
            Data = new Dictionary<string, string> { ["value"] = value },
        };

        public async Task RoundAsync(int round)
        {
            var ct = TestContext.Current.CancellationToken;
            for (var i = 0; i < 2; i++)
            {
                var name = $"round{round}-{i}";
                await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(name, "new"), Ns, cancellationToken: ct);
                live.Add(name);
            }

            foreach (var name in live.Take(2))
            {
                var patch = new V1Patch($$$"""{"data":{"value":"round{{{round}}}"}}""", V1Patch.PatchType.MergePatch);
                await client.CoreV1.PatchNamespacedConfigMapAsync(patch, name, Ns, cancellationToken: ct);
            }

            foreach (var name in live.Skip(2).Take(2).ToList())
            {
                await client.CoreV1.DeleteNamespacedConfigMapAsync(name, Ns, cancellationToken: ct);
                live.Remove(name);
                Deleted++;
            }
        }
    }
}
