using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

/// <summary>A tiny API server for Secrets and one Lease, good enough for the real client, watcher and LeaderElector.</summary>
internal sealed class SecretsAndLeaseServer : IDisposable
{
    private int watches;

    public SecretsAndLeaseServer()
    {
        Server = new StubApiServer(RouteAsync);
    }

    public StubApiServer Server { get; }

    public string? LeaseJson { get; set; }

    /// <summary>While true the Lease endpoint answers 500, so the leader cannot renew.</summary>
    public volatile bool FailLeases;

    public ConcurrentQueue<string?> WatchedFrom { get; } = new();

    public string ListBody { get; set; } =
        """{"metadata":{"resourceVersion":"7"},"items":[{"metadata":{"name":"a","namespace":"ns","resourceVersion":"7"}}]}""";

    /// <summary>Lines the first watch sends before the server ends it; later watches hang.</summary>
    public string[] FirstWatch { get; set; } = [];

    public void Dispose() => Server.Dispose();

    private Task<HttpResponseMessage> RouteAsync(HttpRequestMessage request, string? body)
    {
        var path = request.RequestUri!.AbsolutePath;
        var query = request.RequestUri.Query;
        if (path.EndsWith("/secrets", StringComparison.Ordinal))
        {
            if (!query.Contains("watch=true", StringComparison.Ordinal))
            {
                return Task.FromResult(StubApiServer.Json(HttpStatusCode.OK, ListBody));
            }

            var rv = System.Web.HttpUtility.ParseQueryString(query)["resourceVersion"];
            WatchedFrom.Enqueue(rv);
            return Task.FromResult(Interlocked.Increment(ref watches) == 1 && FirstWatch.Length > 0
                ? StubApiServer.Stream(FirstWatch)
                : StubApiServer.Hanging());
        }

        if (path.Contains("/leases", StringComparison.Ordinal))
        {
            if (FailLeases)
            {
                return Task.FromResult(StubApiServer.Status(HttpStatusCode.InternalServerError, "InternalError"));
            }

            lock (this)
            {
                switch (request.Method.Method)
                {
                    case "GET":
                        return Task.FromResult(LeaseJson is null
                            ? StubApiServer.Status(HttpStatusCode.NotFound, "NotFound")
                            : StubApiServer.Json(HttpStatusCode.OK, LeaseJson));
                    case "POST" when LeaseJson is not null:
                        return Task.FromResult(StubApiServer.Status(HttpStatusCode.Conflict, "AlreadyExists"));
                    case "POST" or "PUT":
                        var lease = JsonNode.Parse(body!)!;
                        lease["metadata"]!["resourceVersion"] = Guid.NewGuid().ToString("N");
                        LeaseJson = lease.ToJsonString();
                        return Task.FromResult(StubApiServer.Json(request.Method == HttpMethod.Post ? HttpStatusCode.Created : HttpStatusCode.OK, LeaseJson));
                }
            }
        }

        if (path.Contains("/events", StringComparison.Ordinal))
        {
            return Task.FromResult(StubApiServer.Json(HttpStatusCode.Created, body ?? "{}"));
        }

        return Task.FromResult(StubApiServer.Status(HttpStatusCode.NotFound, "NotFound"));
    }
}

public sealed class HostingTests : IDisposable
{
    private readonly SecretsAndLeaseServer api = new();
    private readonly ScriptedReconciler reconciler = new();
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    public void Dispose() => api.Dispose();

    [Fact]
    public async Task Informer_OverARealClient_ResumesFromTheBookmarkAfterTheServerEndsTheWatch()
    {
        api.FirstWatch =
        [
            """{"type":"ADDED","object":{"apiVersion":"v1","kind":"Secret","metadata":{"name":"b","namespace":"ns","resourceVersion":"8"}}}""",
            """{"type":"BOOKMARK","object":{"apiVersion":"v1","kind":"Secret","metadata":{"resourceVersion":"12"}}}""",
        ];
        using var k8s = api.Server.Client();
        var informer = new ResourceInformer<V1Secret>(
            new KubernetesListWatcher<V1Secret>(new ResourceClient<V1Secret>(k8s), new InformerOptions()), TimeProvider.System, new FakeLogger());
        using var stop = new CancellationTokenSource();

        var run = informer.RunAsync(stop.Token);
        await WaitUntilAsync(() => api.WatchedFrom.Count >= 2);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), ct);

        Assert.Equal(["7", "12"], api.WatchedFrom.Take(2));
        Assert.Equal(["a", "b"], informer.List().Select(s => s.Metadata.Name).Order());
        Assert.Equal("v1", informer.Get(new ObjectKey("ns", "a"))?.ApiVersion);
    }

    [Fact]
    public async Task Informer_OverARealClient_RelistsWhenTheWatchReportsGone()
    {
        api.FirstWatch =
        [
            """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410}}""",
        ];
        using var k8s = api.Server.Client();
        var informer = new ResourceInformer<V1Secret>(
            new KubernetesListWatcher<V1Secret>(new ResourceClient<V1Secret>(k8s), new InformerOptions { Namespace = "ns" }), TimeProvider.System, new FakeLogger());
        using var stop = new CancellationTokenSource();

        var run = informer.RunAsync(stop.Token);
        await WaitUntilAsync(() => api.WatchedFrom.Count >= 2);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), ct);

        var lists = api.Server.Requests.Where(r => !r.PathAndQuery.Contains("watch=true", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lists.Count);
        Assert.All(lists, r => Assert.StartsWith("/api/v1/namespaces/ns/secrets", r.PathAndQuery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutLeaderElection_ControllersStartOnceCachesSync_AndStopWithTheHost()
    {
        using var provider = BuildProvider(o => o.LeaderElection.Enabled = false);
        var host = provider.GetRequiredService<OperatorHostedService>();
        var health = provider.GetRequiredService<IOperatorHealth>();

        await host.StartAsync(ct);
        await WaitUntilAsync(() => !reconciler.Reconciled.IsEmpty);

        Assert.True(health.CachesSynced);
        Assert.True(health.IsLeader);
        Assert.Equal(new ObjectKey("ns", "a"), reconciler.Reconciled.First());
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task WithLeaderElection_TheLeaderReconciles_AndReleasesTheLeaseOnStop()
    {
        using var provider = BuildProvider(o =>
        {
            o.LeaderElection.Identity = "replica-1";
            o.LeaderElection.LeaseDuration = TimeSpan.FromSeconds(2);
            o.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(1);
            o.LeaderElection.RetryPeriod = TimeSpan.FromMilliseconds(200);
        });
        var host = provider.GetRequiredService<OperatorHostedService>();

        await host.StartAsync(ct);
        await WaitUntilAsync(() => !reconciler.Reconciled.IsEmpty);
        Assert.True(provider.GetRequiredService<ILeaderStatus>().IsLeader);
        Assert.Contains("\"holderIdentity\":\"replica-1\"", api.LeaseJson, StringComparison.Ordinal);

        await host.StopAsync(ct);

        Assert.False(host.IsLeader);
        Assert.Contains("\"holderIdentity\":\"\"", api.LeaseJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LosingTheLease_StopsTheWorkers_AndRegainingItStartsThemAgain()
    {
        var running = 0;
        reconciler.Behaviour = async (_, token) =>
        {
            // A long reconcile that only ends when its token is cancelled shows that workers stop with the lease.
            Interlocked.Increment(ref running);
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }

            return ReconcileResult.Done;
        };
        using var provider = BuildProvider(o =>
        {
            o.LeaderElection.Identity = "replica-1";
            o.LeaderElection.LeaseDuration = TimeSpan.FromSeconds(2);
            o.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(1);
            o.LeaderElection.RetryPeriod = TimeSpan.FromMilliseconds(200);
        });
        var host = provider.GetRequiredService<OperatorHostedService>();

        await host.StartAsync(ct);
        await WaitUntilAsync(() => Volatile.Read(ref running) == 1);

        api.FailLeases = true;
        await WaitUntilAsync(() => !host.IsLeader && Volatile.Read(ref running) == 0);

        api.FailLeases = false;
        await WaitUntilAsync(() => host.IsLeader && Volatile.Read(ref running) == 1);

        Assert.True(reconciler.Reconciled.Count >= 2);
        await host.StopAsync(ct);
        Assert.Equal(0, Volatile.Read(ref running));
    }

    [Fact]
    public async Task WhileAnotherReplicaHoldsTheLease_NoWorkersRun_ButCachesSync()
    {
        var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture);
        api.LeaseJson = $$$"""{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"secretgroup-operator","namespace":"default","resourceVersion":"1"},"spec":{"holderIdentity":"other","leaseDurationSeconds":3600,"acquireTime":"{{{now}}}","renewTime":"{{{now}}}"}}""";
        using var provider = BuildProvider(o =>
        {
            o.LeaderElection.Identity = "replica-2";
            o.LeaderElection.LeaseDuration = TimeSpan.FromHours(1);
            o.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(1);
            o.LeaderElection.RetryPeriod = TimeSpan.FromMilliseconds(200);
        });
        var host = provider.GetRequiredService<OperatorHostedService>();
        var health = provider.GetRequiredService<IOperatorHealth>();

        await host.StartAsync(ct);
        await WaitUntilAsync(() => health.CachesSynced);
        await WaitUntilAsync(() => api.Server.Requests.Count(r => r.PathAndQuery.Contains("/leases", StringComparison.Ordinal)) >= 2);

        Assert.False(health.IsLeader);
        Assert.Empty(reconciler.Reconciled);
        await host.StopAsync(ct);
        Assert.Contains("\"holderIdentity\":\"other\"", api.LeaseJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_SharesOneInformerPerKind_AndExposesTheControllerQueue()
    {
        using var provider = BuildProvider(o => o.LeaderElection.Enabled = false, services =>
        {
            services.AddInformer<V1Secret>(o => o.LabelSelector = "managed=true");
            services.AddController<TestWidget, NoopWidgetReconciler>().Watches<V1Secret>(s => [new ObjectKey(s.Metadata.NamespaceProperty, "w")]);
        });

        Assert.Same(provider.GetRequiredService<IResourceCache<V1Secret>>(), provider.GetRequiredService<ISharedInformer<V1Secret>>());
        Assert.Equal(2, provider.GetServices<IInformer>().Count());
        provider.GetRequiredService<IControllerQueue<V1Secret>>().Enqueue(new ObjectKey("ns", "x"));
        Assert.Equal(1, provider.GetRequiredService<IControllerQueue<V1Secret>>().Length);
        Assert.NotNull(provider.GetRequiredService<IEventRecorder>());
        Assert.NotNull(provider.GetRequiredService<ResourceClient<V1Secret>>());
    }

    [Fact]
    public void SecondControllerForTheSameKind_IsRejected()
    {
        var services = new ServiceCollection();
        services.AddController<V1Secret, ScriptedReconciler>();

        Assert.Throws<InvalidOperationException>(() => services.AddController<V1Secret, ScriptedReconciler>());
    }

    [Fact]
    public void InconsistentLeaderElectionDurations_FailValidation()
    {
        using var provider = BuildProvider(o => o.LeaderElection.RenewDeadline = TimeSpan.FromMinutes(1));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OperatorRuntimeOptions>>().Value);
        Assert.Contains("RenewDeadline", error.Message, StringComparison.Ordinal);
    }

    private ServiceProvider BuildProvider(Action<OperatorRuntimeOptions> configure, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IKubernetes>(_ => api.Server.Client());
        services.AddSingleton(reconciler);
        services.AddOperatorRuntime(configure);
        services.AddController<V1Secret, ScriptedReconciler>();
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10, ct);
        }

        Assert.True(condition(), "condition not reached within 10 s");
    }

    private sealed class NoopWidgetReconciler : IReconciler<TestWidget>
    {
        public Task<ReconcileResult> ReconcileAsync(TestWidget entity, CancellationToken cancellationToken) => Task.FromResult(ReconcileResult.Done);
    }
}
