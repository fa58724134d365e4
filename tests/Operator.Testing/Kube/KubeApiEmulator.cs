using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Operator.Testing.Kube.OpenApi;

namespace Operator.Testing.Kube;

/// <summary>
/// An in-process Kubernetes API server for tests: KubernetesClient and kubectl talk to it over loopback HTTP.
/// It keeps the rules an operator depends on (resourceVersion, watches, finalizers, status, CRD schemas),
/// not the whole API server.
/// </summary>
public sealed class KubeApiEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ObjectStore _store;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _requestsGate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly TokenReviews _tokens = new();

    private KubeApiEmulator(WebApplication app, ObjectStore store)
    {
        _app = app;
        _store = store;
    }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public EmulatorFaults Faults { get; } = new();

    /// <summary>A snapshot of the requests answered so far.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requestsGate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<KubeApiEmulator> StartAsync(KubeApiEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KubeApiEmulatorOptions();
        var app = LoopbackServer.Build(options.Port);
        var store = new ObjectStore(options.WatchHistoryLimit);
        var emulator = new KubeApiEmulator(app, store);
        var operations = new ResourceOperations(store, new ResourceRegistry(), options.TimeProvider);
        var openApi = new OpenApiHandler(new OpenApiDocuments(operations.Registry), store.Gate);
        var handler = new ApiHandler(operations, new WatchStreamer(store, options.BookmarkInterval, options.TimeProvider), openApi, options.TimeProvider,
            () => emulator.BaseAddress.Authority, emulator._stopping.Token);
        foreach (var ns in new[] { "default", "kube-system", "kube-public" })
        {
            operations.Create(ResourceRegistry.NamespaceType, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        }

        emulator.BaseAddress = await LoopbackServer.StartAsync(app, context => emulator.ServeAsync(context, handler), cancellationToken: cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    public KubernetesClientConfiguration CreateClientConfiguration() => new() { Host = Server };

    public IKubernetes CreateClient() => new Kubernetes(CreateClientConfiguration());

    /// <summary>A kubeconfig whose cluster, user and context are all named "emulator".</summary>
    public string KubeconfigYaml() => $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: emulator
          cluster:
            server: {{Server}}
        users:
        - name: emulator
          user:
            token: emulator-has-no-auth
        contexts:
        - name: emulator
          context:
            cluster: emulator
            user: emulator
            namespace: default
        current-context: emulator
        """;

    /// <summary>Makes TokenReview (authentication.k8s.io/v1) accept <paramref name="token"/> as <paramref name="user"/> in <paramref name="groups"/>.</summary>
    public void RegisterToken(string token, string user, params string[] groups) => _tokens.Register(token, user, groups);

    /// <summary>Forgets watch history: a watch from any resourceVersion before now gets 410 Gone. Returns the oldest
    /// resourceVersion a watch may still resume from.</summary>
    public string CompactHistory()
    {
        lock (_store.Gate)
        {
            _store.CompactHistory();
            return _store.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Ends every open watch stream, as an API server restart or a load balancer would.</summary>
    public void DropWatches()
    {
        lock (_store.Gate)
        {
            _store.DropWatches();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        DropWatches();
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private string Server => BaseAddress.GetLeftPart(UriPartial.Authority);

    private async Task ServeAsync(HttpContext context, ApiHandler handler)
    {
        var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? "", 0);
        context.Response.OnStarting(() =>
        {
            lock (_requestsGate)
            {
                _requests.Add(request with { StatusCode = context.Response.StatusCode });
            }

            return Task.CompletedTask;
        });
        var (failWith, latency) = Faults.Decide(request);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);
        }

        if (failWith is { } code)
        {
            var reason = StatusBuilder.ReasonFor(code);
            await ApiHandler.WriteStatusAsync(context, new KubeApiException(code, reason, $"injected fault: {reason}")).ConfigureAwait(false);
            return;
        }

        if (await _tokens.TryServeAsync(context).ConfigureAwait(false))
        {
            return;
        }

        await handler.HandleAsync(context).ConfigureAwait(false);
    }
}
