using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Testing;
using Operator.Testing.Kube;

namespace Operator.Runtime.Tests.Integration;

/// <summary>
/// The informer lists in pages of 500 (client-go's pager.PageSize) against the chunking emulator, watches from the list's
/// resourceVersion, and starts the list over when the server has expired its continue token (410 Expired).
/// </summary>
public sealed class InformerPagingTests
{
    private const string Ns = "paging-it";
    private const int Objects = 1001;
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Informer_ListsInPagesOf500_ThenWatchesFromTheListsVersion()
    {
        await using var kube = await KubeApiEmulator.StartAsync(cancellationToken: ct);
        using var client = kube.CreateClient();
        await SeedAsync(client);
        var listVersion = (await client.CoreV1.ListNamespacedConfigMapAsync(Ns, cancellationToken: ct)).Metadata.ResourceVersion;

        var (informer, stop, run, _) = await StartInformerAsync(kube, null);

        Assert.Equal(Objects, informer.List().Count);
        var lists = kube.Requests.Where(IsList).ToList();
        Assert.Equal(3, lists.Count);
        Assert.All(lists, r => Assert.Contains("limit=500", r.Query, StringComparison.Ordinal));
        Assert.Equal(2, lists.Count(r => r.Query.Contains("continue=", StringComparison.Ordinal)));
        await Wait.ForAsync(() => kube.Requests.Any(IsWatch), "the informer to watch");
        Assert.Contains($"resourceVersion={listVersion}", kube.Requests.First(IsWatch).Query, StringComparison.Ordinal);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5), ct);
    }

    [Fact]
    public async Task Informer_WhoseContinueExpires_ListsAgainFromTheStart_AndSeesTheChangeMeanwhile()
    {
        await using var kube = await KubeApiEmulator.StartAsync(cancellationToken: ct);
        using var client = kube.CreateClient();
        await SeedAsync(client);

        // Between the first and the second page a ConfigMap is created and the history compacted (etcd's compaction).
        var expire = new ExpireOnFirstContinue(async () =>
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("between-pages"), Ns, cancellationToken: ct);
            kube.CompactHistory();
        });
        var (informer, stop, run, logger) = await StartInformerAsync(kube, expire);

        Assert.Equal(Objects + 1, informer.List().Count);
        Assert.NotNull(informer.Get(new ObjectKey(Ns, "between-pages")));
        var lists = kube.Requests.Where(IsList).ToList();
        Assert.Contains(lists, r => r.StatusCode == 410);
        Assert.Equal(2, lists.Count(r => !r.Query.Contains("continue=", StringComparison.Ordinal)));

        // Started over at once, not reported as a failed list and retried after a backoff.
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5), ct);
    }

    private static bool IsWatch(RecordedRequest r) => r.Path == $"/api/v1/namespaces/{Ns}/configmaps" && r.Query.Contains("watch=true", StringComparison.Ordinal);

    private static bool IsList(RecordedRequest r) => r.Method == "GET" && r.Path == $"/api/v1/namespaces/{Ns}/configmaps" && r.Query.Contains("limit=", StringComparison.Ordinal) && !r.Query.Contains("watch=true", StringComparison.Ordinal);

    private static V1ConfigMap ConfigMap(string name) => new() { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, string> { ["v"] = name } };

    private async Task SeedAsync(IKubernetes client)
    {
        await Setup.CreateNamespaceAsync(client, Ns);
        for (var i = 0; i < Objects; i += 50)
        {
            await Task.WhenAll(Enumerable.Range(i, Math.Min(50, Objects - i)).Select(n =>
                client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"cm-{n:D4}"), Ns, cancellationToken: ct)));
        }
    }

    private async Task<(ResourceInformer<V1ConfigMap> Informer, CancellationTokenSource Stop, Task Run, FakeLogger Logger)> StartInformerAsync(KubeApiEmulator kube, DelegatingHandler? handler)
    {
        var logger = new FakeLogger();
        var kubernetes = handler is null ? new Kubernetes(kube.CreateClientConfiguration()) : new Kubernetes(kube.CreateClientConfiguration(), handler);
        var informer = new ResourceInformer<V1ConfigMap>(
            new KubernetesListWatcher<V1ConfigMap>(new ResourceClient<V1ConfigMap>(kubernetes), new InformerOptions { Namespace = Ns }),
            TimeProvider.System,
            logger);
        var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
        return (informer, stop, run, logger);
    }

    /// <summary>Runs <paramref name="between"/> before the first request that carries a continue token.</summary>
    private sealed class ExpireOnFirstContinue(Func<Task> between) : DelegatingHandler
    {
        private int done;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.Query.Contains("continue=", StringComparison.Ordinal) == true && Interlocked.Exchange(ref done, 1) == 0)
            {
                await between();
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
