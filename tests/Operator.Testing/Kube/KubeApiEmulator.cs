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

    private static long s_requestsStarted;
    private readonly Authenticator _authenticator;
    private readonly RbacAuthorizer _authorizer;
    private readonly ServiceAccountTokens _serviceAccountTokens;
    private readonly AuthEndpoints _authEndpoints;

    private KubeApiEmulator(WebApplication app, ObjectStore store, KubeApiEmulatorOptions options)
    {
        _app = app;
        _store = store;
        var audiences = options.ApiAudiences ?? [options.ServiceAccountIssuer];
        _serviceAccountTokens = new ServiceAccountTokens(store, options.TimeProvider, options.ServiceAccountIssuer);
        _authenticator = new Authenticator(_serviceAccountTokens, audiences, options.AnonymousAuth);
        _authorizer = new RbacAuthorizer(new RbacIndex(), options.EnforceRbac);
        _authEndpoints = new AuthEndpoints(_authenticator, new AccessReviews(_authorizer),
            new TokenRequests(store, _serviceAccountTokens, audiences, options.TimeProvider), _serviceAccountTokens, options.ServiceAccountIssuer);
        AdminToken = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        _authenticator.Register(new StaticToken(AdminToken, AdminUser, "", KubeUser.SystemMasters));
        foreach (var token in options.StaticTokens)
        {
            _authenticator.Register(token);
        }

        var aggregation = new ClusterRoleAggregation(store);
        store.Changed = (storageKey, previous, current) =>
        {
            _authorizer.Index.Observe(storageKey, previous, current);
            if (storageKey == RbacIndex.ClusterRolesKey)
            {
                aggregation.Reconcile();
            }
        };
    }

    /// <summary>The user of <see cref="AdminToken"/>, in system:masters.</summary>
    public const string AdminUser = "emulator-admin";

    /// <summary>A token of <see cref="AdminUser"/>: what <see cref="CreateClient()"/> and <see cref="KubeconfigYaml"/> use.</summary>
    public string AdminToken { get; }

    /// <summary>Plain HTTP, for in-process clients (<see cref="CreateClient()"/>); KubernetesClient sends tokens over it.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>
    /// HTTPS with a self-signed certificate (<see cref="CertificateAuthorityPem"/>), which <see cref="KubeconfigYaml"/>
    /// points at: kubectl (client-go) sends no bearer token over plain HTTP.
    /// </summary>
    public Uri SecureBaseAddress { get; private set; } = new("https://127.0.0.1/");

    /// <summary>The serving certificate, PEM: what a kubeconfig's certificate-authority-data trusts.</summary>
    public static string CertificateAuthorityPem => ServingCertificate.Value.ExportCertificatePem();

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

    /// <summary>Requests every emulator of this process has answered for anyone but its admin (the test): a progress signal for waits (see OperatorHarness.WaitForAsync).</summary>
    public static long RequestsStartedInProcess => Interlocked.Read(ref s_requestsStarted);

    public static async Task<KubeApiEmulator> StartAsync(KubeApiEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KubeApiEmulatorOptions();
        var app = LoopbackServer.Build(options.Port, alsoHttps: (options.SecurePort, ServingCertificate.Value));
        var store = new ObjectStore(options.WatchHistoryLimit);
        var emulator = new KubeApiEmulator(app, store, options);
        var operations = new ResourceOperations(store, new ResourceRegistry(), options.TimeProvider);
        var openApi = new OpenApiHandler(new OpenApiDocuments(operations.Registry), store.Gate);
        var handler = new ApiHandler(operations, new WatchStreamer(store, options.BookmarkInterval, options.TimeProvider, emulator.Faults), openApi, options.TimeProvider,
            () => emulator.BaseAddress.Authority, emulator._stopping.Token)
        {
            Writes = new WriteAuthorization(emulator._authorizer),
        };
        foreach (var ns in new[] { "default", "kube-system", "kube-public" })
        {
            operations.Create(ResourceRegistry.NamespaceType, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        }

        foreach (var (plural, obj) in RbacBootstrap.Objects())
        {
            operations.Create(operations.Registry.Find(RbacIndex.Group, "v1", plural)!, "", obj);
        }

        emulator.BaseAddress = await LoopbackServer.StartAsync(app, context => emulator.ServeAsync(context, handler), cancellationToken: cancellationToken).ConfigureAwait(false);
        emulator.SecureBaseAddress = LoopbackServer.Addresses(app).First(a => a.Scheme == "https");
        return emulator;
    }

    /// <summary>A client configuration with <paramref name="token"/> (default: <see cref="AdminToken"/>, a cluster admin).</summary>
    public KubernetesClientConfiguration CreateClientConfiguration(string? token = null) => new() { Host = Server, AccessToken = token ?? AdminToken };

    /// <summary>A client acting as a cluster admin (system:masters).</summary>
    public IKubernetes CreateClient() => new Kubernetes(CreateClientConfiguration());

    /// <summary>A client that authenticates with <paramref name="token"/>.</summary>
    public IKubernetes CreateClient(string token) => new Kubernetes(CreateClientConfiguration(token));

    /// <summary>
    /// A client that acts as <paramref name="user"/> in <paramref name="groups"/> (plus system:authenticated): the
    /// identity <c>kubectl --as=user --as-group=g</c> gives. It holds a token registered for that identity, since .NET
    /// joins repeated Impersonate-Group headers into one value, which the API server would read as one group.
    /// </summary>
    public IKubernetes CreateClientAs(string user, params string[] groups)
    {
        var token = "as-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        RegisterToken(token, user, groups);
        return CreateClient(token);
    }

    /// <summary>A kubeconfig whose cluster, user and context are all named "emulator"; the user holds <paramref name="token"/> (default: the admin's).</summary>
    public string KubeconfigYaml(string? token = null) => $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: emulator
          cluster:
            server: {{SecureBaseAddress.GetLeftPart(UriPartial.Authority)}}
            certificate-authority-data: {{Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(CertificateAuthorityPem))}}
        users:
        - name: emulator
          user:
            token: {{token ?? AdminToken}}
        contexts:
        - name: emulator
          context:
            cluster: emulator
            user: emulator
            namespace: default
        current-context: emulator
        """;

    /// <summary>Adds <paramref name="token"/> to the static token table: it authenticates as <paramref name="user"/> in <paramref name="groups"/> (plus system:authenticated).</summary>
    public void RegisterToken(string token, string user, params string[] groups) => _authenticator.Register(new StaticToken(token, user, "", groups));

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
        _serviceAccountTokens.Dispose();
    }

    // One certificate for every emulator of the process: making an RSA key per test would cost more than the test.
    private static readonly Lazy<System.Security.Cryptography.X509Certificates.X509Certificate2> ServingCertificate = new(() => SelfSignedCertificate.Create("kube-api-emulator"));

    private string Server => BaseAddress.GetLeftPart(UriPartial.Authority);

    private async Task ServeAsync(HttpContext context, ApiHandler handler)
    {
        var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? "", 0);
        context.Response.OnStarting(() =>
        {
            var user = ApiHandler.UserOf(context)?.Name ?? "";
            if (user != AdminUser)
            {
                // The test's own polling (as the admin) is not progress of the work it waits for.
                Interlocked.Increment(ref s_requestsStarted);
            }

            lock (_requestsGate)
            {
                _requests.Add(request with
                {
                    StatusCode = context.Response.StatusCode,
                    User = user,
                    Message = ApiHandler.StatusMessageOf(context),
                });
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

        await handler.HandleAsync(context, async () =>
        {
            var user = Impersonation.Apply(_authenticator.AuthenticateRequest(context.Request), context.Request.Headers, _authorizer);
            ApiHandler.SetUser(context, user);
            var attributes = RequestAttributes.Resolve(user, context.Request);
            var (allowed, reason) = _authorizer.Authorize(attributes);
            if (!allowed)
            {
                throw RbacAuthorizer.Forbidden(attributes, reason);
            }
            return await _authEndpoints.TryServeAsync(context, user).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
