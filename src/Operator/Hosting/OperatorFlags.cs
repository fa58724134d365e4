using Operator.Controllers;
using Operator.Hosting.Flags;
using Operator.Observability;
using Operator.References;
using Operator.RestApi;
using Operator.Runtime;
using Operator.Stores;
using Operator.Webhooks;
using Operator.Workloads;

namespace Operator.Hosting;

/// <summary>
/// Every flag of the operator binary, grouped by the options class it sets. The one source for the command-line
/// parser, <c>--help</c>, the manifests' args and the chart's values schema (<c>make manifests</c>).
/// </summary>
public static class OperatorFlags
{
    public static readonly FlagGroup TenancyGroup = new("Tenancy", "who this installation serves and where it runs");
    public static readonly FlagGroup SyncGroup = new("Sync", "how often and how widely groups and integrations are reconciled");
    public static readonly FlagGroup SharedReadsGroup = new("Shared reads", "a value many groups use is read from its store once per window and fanned out");
    public static readonly FlagGroup LeaderElectionGroup = new("Leader election", "only the holder of the Lease reconciles; other replicas are warm standbys");
    public static readonly FlagGroup EndpointsGroup = new("Health and metrics", $"{HealthEndpoints.Liveness} and {HealthEndpoints.Readiness} for probes, {MetricsEndpoint.Path} for Prometheus");
    public static readonly FlagGroup LoggingGroup = new("Logging", "structured logs on standard output");
    public static readonly FlagGroup WebhookGroup = new("Pod webhook", "turns tfy-secret:// values in Pods into secretKeyRefs (HTTPS, path " + WebhookServer.MutatePodsPath + ")");
    public static readonly FlagGroup RestApiGroup = new("REST API", "the Secret Management REST API (/v1/secret-groups)");
    public static readonly FlagGroup MemoryGroup = new("Memory", "how the process gives memory back");
    public static readonly FlagGroup StoresGroup = new("Stores", "where store credentials come from");
    public static readonly FlagGroup StartupGroup = new("Start-up", "what the binary does before the operator starts");

    private static readonly IntType Port = new(1, 65535);
    private static readonly IntType PortOrAny = new(0, 65535, "0 picks a free port");

    public static readonly Flag<TenancyOptions, string> Tenant = new("tenant", TenancyGroup, TextType.Label,
        o => o.Tenant, (o, v) => o.Tenant = v, "One tenant per installation: the first segment of every FQN.", helmValue: "tenant");

    public static readonly Flag<TenancyOptions, string> Namespace = new("namespace", TenancyGroup, TextType.Label,
        o => o.Namespace, (o, v) => o.Namespace = v, "Namespace the operator runs in (its Lease, API-key and webhook-certificate Secrets); manifests pass the Pod's own.");

    public static readonly Flag<TenancyOptions, IReadOnlyList<string>> TenantAdmins = new("tenant-admins", TenancyGroup,
        new ListType(@"^(user|team):[^\s,]+$", "user:<name> or team:<name> subjects", "<subject,...>", "alice", "user:a,b", "user:a b"),
        o => o.TenantAdmins, (o, v) => o.TenantAdmins = v, "Subjects that hold every role on every group of the tenant.", helmValue: "tenantAdmins", defaultText: "none");

    public static readonly Flag<OperatorRuntimeOptions, IReadOnlyList<string>> WatchNamespaces = new("watch-namespaces", TenancyGroup,
        new ListType(@"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", "namespace names", "<namespace,...>", "Team-A", "a_b", "-a"),
        o => o.WatchNamespaces, (o, v) => o.WatchNamespaces = v,
        "Serve only these namespaces: list and watch groups, Secrets, Roles and workloads in each (namespaced RBAC suffices); the built-in kubernetes store's source namespace must be one of them.",
        helmValue: "watchNamespaces", defaultText: "all namespaces");

    public static readonly Flag<SyncOptions, TimeSpan> SyncInterval = new("sync-interval", SyncGroup, new DurationType(TimeSpan.FromSeconds(1), TimeSpan.FromDays(366)),
        o => o.DefaultSyncInterval, (o, v) => o.DefaultSyncInterval = v, "Refresh interval of groups whose spec and integration set none.", helmValue: "syncInterval");

    public static readonly Flag<SyncOptions, int> Workers = new("workers", SyncGroup, new IntType(1, 64),
        o => o.Workers, (o, v) => o.Workers = v, "Concurrent reconciles of groups (integrations get half, at least one).", helmValue: "workers");

    public static readonly Flag<SyncOptions, TimeSpan> IntegrationRecheckInterval = new("integration-recheck-interval", SyncGroup, new DurationType(TimeSpan.FromSeconds(10), TimeSpan.FromDays(1)),
        o => o.IntegrationRecheckInterval, (o, v) => o.IntegrationRecheckInterval = v, "How often a Ready integration's connectivity and credentials are checked again.");

    public static readonly Flag<RolloutOptions, TimeSpan> RolloutWindow = new("rollout-window", SyncGroup, new DurationType(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
        o => o.Window, (o, v) => o.Window = v, "After a group's data changes, how long its workloads wait for their other groups to change too, then restart once for all (VSO #644).", helmValue: "rolloutWindow");

    public static readonly Flag<SharedReadOptions, bool> SharedReads = new("shared-reads", SharedReadsGroup, BoolType.Instance,
        o => o.Enabled, (o, v) => o.Enabled = v, "Share one store read of a value among the groups that use it (false: every sync reads the store itself).", helmValue: "sharedReads.enabled");

    public static readonly Flag<SharedReadOptions, TimeSpan> SharedReadsWindow = new("shared-reads-window", SharedReadsGroup, new DurationType(TimeSpan.FromSeconds(1), TimeSpan.FromHours(24)),
        o => o.Window, (o, v) => o.Window = v, "How long one read serves other groups; a group gets a value at most this (or its refresh interval, if shorter) older than a fresh read. force-sync and REST API writes read fresh.", helmValue: "sharedReads.window");

    public static readonly Flag<SharedReadOptions, int> SharedReadsMaxEntries = new("shared-reads-max-entries", SharedReadsGroup, new IntType(1, 10_000_000),
        o => o.MaxEntries, (o, v) => o.MaxEntries = v, "Values kept at most; the oldest read is dropped first.", helmValue: "sharedReads.maxEntries");

    public static readonly Flag<SharedReadOptions, int> SharedReadsMaxMebibytes = new("shared-reads-max-mib", SharedReadsGroup, new IntType(1, 65_536),
        o => o.MaxMebibytes, (o, v) => o.MaxMebibytes = v, "Memory for kept values, in MiB; the oldest read is dropped first (keep it under the container's memory limit).", helmValue: "sharedReads.maxMiB");

    public static readonly Flag<OperatorRuntimeOptions, bool> LeaderElect = new("leader-elect", LeaderElectionGroup, BoolType.Instance,
        o => o.LeaderElection.Enabled, (o, v) => o.LeaderElection.Enabled = v, "Reconcile only while holding the Lease; required with more than one replica.", helmValue: "leaderElection.enabled");

    public static readonly Flag<OperatorRuntimeOptions, TimeSpan> LeaseDuration = new("lease-duration", LeaderElectionGroup, new DurationType(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
        o => o.LeaderElection.LeaseDuration, (o, v) => o.LeaderElection.LeaseDuration = v, "How long followers wait after the leader's last renewal before taking the Lease.");

    public static readonly Flag<OperatorRuntimeOptions, TimeSpan> LeaseRenewDeadline = new("lease-renew-deadline", LeaderElectionGroup, new DurationType(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
        o => o.LeaderElection.RenewDeadline, (o, v) => o.LeaderElection.RenewDeadline = v, "How long the leader keeps trying to renew before it stops leading; less than --lease-duration.");

    public static readonly Flag<OperatorRuntimeOptions, TimeSpan> LeaseRetryPeriod = new("lease-retry-period", LeaderElectionGroup, new DurationType(TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)),
        o => o.LeaderElection.RetryPeriod, (o, v) => o.LeaderElection.RetryPeriod = v, "How often candidates try to take, and the leader renews, the Lease; under --lease-renew-deadline / 1.2.");

    public static readonly Flag<EndpointOptions, int> HealthPort = new("health-port", EndpointsGroup, Port,
        o => o.HealthPort, (o, v) => o.HealthPort = v, $"Port of {HealthEndpoints.Liveness} and {HealthEndpoints.Readiness}.", helmValue: "health.port");

    public static readonly Flag<EndpointOptions, int> MetricsPort = new("metrics-port", EndpointsGroup, Port,
        o => o.MetricsPort, (o, v) => o.MetricsPort = v, "Port of the Prometheus " + MetricsEndpoint.Path + " endpoint.", helmValue: "metrics.port");

    public static readonly Flag<LoggingOptions, string> LogFormat = new("log-format", LoggingGroup, new ChoiceType("json", "text"),
        o => o.Format, (o, v) => o.Format = v, "Log line format.", helmValue: "logFormat", defaultText: "json in a cluster, text elsewhere");

    public static readonly Flag<WebhookOptions, bool> WebhookEnabled = new("webhook-enabled", WebhookGroup, BoolType.Instance,
        o => o.Enabled, (o, v) => o.Enabled = v, "Serve the Pod mutating webhook (install its configuration only with it).", helmValue: "webhook.enabled");

    public static readonly Flag<WebhookOptions, int> WebhookPort = new("webhook-port", WebhookGroup, PortOrAny,
        o => o.Port, (o, v) => o.Port = v, "HTTPS port of the webhook.", helmValue: "webhook.port");

    public static readonly Flag<WebhookOptions, string> WebhookServiceName = new("webhook-service-name", WebhookGroup, TextType.Label,
        o => o.ServiceName, (o, v) => o.ServiceName = v, "Service in front of the webhook; its DNS names go into the serving certificate.");

    public static readonly Flag<WebhookOptions, string> WebhookConfigName = new("webhook-config-name", WebhookGroup, TextType.Subdomain,
        o => o.ConfigName, (o, v) => o.ConfigName = v, "MutatingWebhookConfiguration whose caBundle the operator keeps current.");

    public static readonly Flag<WebhookOptions, string> WebhookCertSecret = new("webhook-cert-secret", WebhookGroup, TextType.Subdomain,
        o => o.CertSecret, (o, v) => o.CertSecret = v, "Secret in --namespace holding the webhook's CA and serving certificate.");

    public static readonly Flag<WebhookOptions, bool> WebhookCertManager = new("webhook-cert-manager", WebhookGroup, BoolType.Instance,
        o => o.CertManager, (o, v) => o.CertManager = v, "cert-manager writes the certificate Secret and the caBundle; the operator only reads them.", helmValue: "webhook.certManager.enabled");

    public static readonly Flag<RestApiOptions, bool> ApiEnabled = new("api-enabled", RestApiGroup, BoolType.Instance,
        o => o.Enabled, (o, v) => o.Enabled = v, "Serve the REST API.", helmValue: "api.enabled");

    public static readonly Flag<RestApiOptions, int> ApiPort = new("api-port", RestApiGroup, PortOrAny,
        o => o.Port, (o, v) => o.Port = v, "Port of the REST API.", helmValue: "api.port");

    public static readonly Flag<RestApiOptions, string> ApiNamespace = new("api-namespace", RestApiGroup, TextType.Label,
        o => o.Namespace, (o, v) => o.Namespace = v, "Namespace of the groups created through the REST API.", helmValue: "api.namespace");

    public static readonly Flag<RestApiOptions, string> ApiKeysSecret = new("api-keys-secret", RestApiGroup, TextType.Subdomain,
        o => o.KeysSecret, (o, v) => o.KeysSecret = v, "Secret in --namespace whose keys are SHA-256 hex hashes of API keys and whose values are their subjects.");

    public static readonly Flag<RestApiOptions, bool> ApiInsecureHttp = new("api-insecure-http", RestApiGroup, BoolType.Instance,
        o => o.InsecureHttp, (o, v) => o.InsecureHttp = v, "Serve plain HTTP instead of TLS: tokens and values cross the network in clear; local use only.", helmValue: "api.insecureHttp");

    public static readonly Flag<RestApiOptions, string> ApiAudience = new("api-audience", RestApiGroup, TextType.Subdomain,
        o => o.Audience, (o, v) => o.Audience = v, "Audience bearer tokens must be issued for (kubectl create token <sa> --audience <it>), checked in the TokenReview's status.audiences.", helmValue: "api.audience");

    public static readonly Flag<RestApiOptions, string> ApiServiceName = new("api-service-name", RestApiGroup, TextType.Label,
        o => o.ServiceName, (o, v) => o.ServiceName = v, "Service in front of the REST API; its DNS names go into the API's serving certificate.");

    public static readonly Flag<RestApiOptions, string> ApiCertSecret = new("api-cert-secret", RestApiGroup, TextType.Subdomain,
        o => o.CertSecret, (o, v) => o.CertSecret = v, "Secret in --namespace holding the API's CA (ca.crt) and serving certificate.");

    public static readonly Flag<RestApiOptions, bool> ApiCertManager = new("api-cert-manager", RestApiGroup, BoolType.Instance,
        o => o.CertManager, (o, v) => o.CertManager = v, "cert-manager writes the API's certificate Secret; the operator only reads it.", helmValue: "api.certManager.enabled");

    public static readonly Flag<RestApiOptions, int> ApiRateLimit = new("api-rate-limit", RestApiGroup, new IntType(1, 600_000),
        o => o.RateLimitPerMinute, (o, v) => o.RateLimitPerMinute = v, "Requests a minute each caller may make (refilled continuously); more get 429 with Retry-After.", helmValue: "api.rateLimit");

    public static readonly Flag<RestApiOptions, int> ApiRateBurst = new("api-rate-burst", RestApiGroup, new IntType(1, 100_000),
        o => o.RateBurst, (o, v) => o.RateBurst = v, "Requests a caller may make at once before --api-rate-limit applies.", helmValue: "api.rateBurst");

    public static readonly Flag<OperatorRuntimeOptions, bool> IdleHeapTrim = new("idle-heap-trim", MemoryGroup, BoolType.Instance,
        o => o.IdleHeapTrim, (o, v) => o.IdleHeapTrim = v,
        "After a burst of work (a sync or refresh wave), once 5 s pass quiet, collect and return the freed heap to the OS; at most once a minute.");

    public static readonly Flag<K8sSecretResolverOptions, string> TfyK8sSecretsPath = new("tfy-k8s-secrets-path", StoresGroup, TextType.AbsolutePath,
        o => o.MountPath, (o, v) => o.MountPath = v, "Where the Secret read by tfy-k8s-secret://<KEY> references is mounted.");

    public static readonly Flag<StartupOptions, bool> InstallCrds = new("install-crds", StartupGroup, BoolType.Instance,
        o => o.InstallCrds, (o, v) => o.InstallCrds = v, "Apply the CRDs generated from this binary before starting (local runs with your own kubeconfig).");

    /// <summary>Every flag, in <c>--help</c> order.</summary>
    public static IReadOnlyList<Flag> All { get; } =
    [
        Tenant, Namespace, TenantAdmins, WatchNamespaces,
        SyncInterval, Workers, IntegrationRecheckInterval, RolloutWindow,
        SharedReads, SharedReadsWindow, SharedReadsMaxEntries, SharedReadsMaxMebibytes,
        LeaderElect, LeaseDuration, LeaseRenewDeadline, LeaseRetryPeriod,
        HealthPort, MetricsPort,
        LogFormat,
        WebhookEnabled, WebhookPort, WebhookServiceName, WebhookConfigName, WebhookCertSecret, WebhookCertManager,
        ApiEnabled, ApiPort, ApiNamespace, ApiKeysSecret, ApiInsecureHttp, ApiAudience, ApiServiceName, ApiCertSecret, ApiCertManager, ApiRateLimit, ApiRateBurst,
        IdleHeapTrim,
        TfyK8sSecretsPath,
        InstallCrds,
    ];

    /// <summary>Rules across flags; each names the flags as the user wrote them.</summary>
    public static IReadOnlyList<Func<FlagValues, string?>> Rules { get; } = [DistinctPorts, LeaseTimings, ApiNamespaceWatched];

    private static string? DistinctPorts(FlagValues values)
    {
        var listeners = new List<(Flag Flag, int Port)> { (HealthPort, values.Get(HealthPort)), (MetricsPort, values.Get(MetricsPort)) };
        if (values.Get(WebhookEnabled))
        {
            listeners.Add((WebhookPort, values.Get(WebhookPort)));
        }

        if (values.Get(ApiEnabled))
        {
            listeners.Add((ApiPort, values.Get(ApiPort)));
        }

        var clash = listeners.Where(l => l.Port != 0).GroupBy(l => l.Port).FirstOrDefault(g => g.Count() > 1);
        return clash is null ? null : $"{string.Join(" and ", clash.Select(l => values.Describe(l.Flag)))}: each listener needs its own port";
    }

    private static string? LeaseTimings(FlagValues values)
    {
        if (!values.Get(LeaderElect))
        {
            return null;
        }

        // client-go's rules: renew well before the lease runs out, retry several times per deadline.
        var (duration, deadline, retry) = (values.Get(LeaseDuration), values.Get(LeaseRenewDeadline), values.Get(LeaseRetryPeriod));
        if (duration <= deadline)
        {
            return $"{values.Describe(LeaseDuration)} and {values.Describe(LeaseRenewDeadline)}: the lease duration must be longer than the renew deadline";
        }

        return deadline <= retry * 1.2
            ? $"{values.Describe(LeaseRenewDeadline)} and {values.Describe(LeaseRetryPeriod)}: the renew deadline must be longer than 1.2 × the retry period"
            : null;
    }

    private static string? ApiNamespaceWatched(FlagValues values)
    {
        var watched = values.Get(WatchNamespaces);
        return values.Get(ApiEnabled) && watched.Count > 0 && !watched.Contains(values.Get(ApiNamespace), StringComparer.Ordinal)
            ? $"{values.Describe(ApiNamespace)} and {values.Describe(WatchNamespaces)}: the REST API's namespace must be one of the watched namespaces"
            : null;
    }
}
