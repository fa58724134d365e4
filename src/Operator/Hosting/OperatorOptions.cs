using System.ComponentModel.DataAnnotations;

namespace Operator.Hosting;

/// <summary>Command-line and configuration options of the operator (<c>--tenant=x</c> binds to <c>Tenant</c>).</summary>
public sealed class OperatorOptions
{
    /// <summary>One tenant per installation; the first segment of every FQN.</summary>
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    [StringLength(63)]
    public string Tenant { get; set; } = "default";

    /// <summary>Namespace the operator runs in (leader-election Lease, cluster-scoped objects' Events).</summary>
    public string Namespace { get; set; } = "default";

    /// <summary>Apply the CRDs generated from the entity classes at start-up.</summary>
    public bool InstallCrds { get; set; }

    /// <summary>Run controllers only while holding the Lease.</summary>
    public bool LeaderElect { get; set; } = true;

    /// <summary>Where the Secret named by the Helm value <c>tfyK8sSecretName</c> is mounted.</summary>
    public string TfyK8sSecretsPath { get; set; } = "/opt/truefoundry/tfy-k8s-secrets";

    /// <summary>Refresh interval for groups whose integration does not set one.</summary>
    public TimeSpan DefaultSyncInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Concurrent reconciles per kind.</summary>
    [Range(1, 64)]
    public int Workers { get; set; } = 4;

    /// <summary>How often a Ready integration is re-checked for connectivity and credential changes.</summary>
    public TimeSpan IntegrationRecheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Subjects (<c>user:</c> or <c>team:</c>, comma-separated) that hold every role on every group.</summary>
    public string TenantAdmins { get; set; } = "";

    /// <summary><see cref="TenantAdmins"/> as a list.</summary>
    public IReadOnlyList<string> TenantAdminList() =>
        TenantAdmins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Serve the mutating admission webhook for Pods (tfy-secret:// env values and mount annotations).</summary>
    public bool WebhookEnabled { get; set; }

    /// <summary>HTTPS port of the webhook (path /mutate-pods); 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int WebhookPort { get; set; } = 9443;

    /// <summary>Service in front of the webhook; its DNS names go into the serving certificate.</summary>
    public string WebhookServiceName { get; set; } = "secretgroup-operator-webhook";

    /// <summary>MutatingWebhookConfiguration whose caBundle the operator keeps current.</summary>
    public string WebhookConfigName { get; set; } = "secretgroup-operator";

    /// <summary>Secret (in <see cref="Namespace"/>) holding the webhook's CA and serving certificate.</summary>
    public string WebhookCertSecret { get; set; } = "secretgroup-operator-webhook-tls";

    /// <summary>cert-manager owns the certificate Secret and the caBundle: only read tls.crt/tls.key.</summary>
    public bool WebhookCertManager { get; set; }

    /// <summary>Serve the Secret Management REST API on <see cref="ApiPort"/>.</summary>
    public bool ApiEnabled { get; set; }

    /// <summary>Port of the REST API listener (0 = any free port, for tests).</summary>
    [Range(0, 65535)]
    public int ApiPort { get; set; } = 8082;

    /// <summary>Namespace where groups created through the REST API live.</summary>
    public string ApiNamespace { get; set; } = "default";

    /// <summary>Secret in <see cref="Namespace"/> whose data keys are SHA-256 hex hashes of API keys and values their subjects.</summary>
    public string ApiKeysSecret { get; set; } = "secretgroup-api-keys";

    /// <summary>Serve the REST API over plain HTTP instead of TLS: only for local use (tokens and values cross the wire in clear).</summary>
    public bool ApiInsecureHttp { get; set; }

    /// <summary>Audience a bearer token must have been issued for (<c>kubectl create token SA --audience secretgroup-api</c>).</summary>
    [Required]
    [StringLength(253, MinimumLength = 1)]
    public string ApiAudience { get; set; } = "secretgroup-api";

    /// <summary>Service in front of the REST API; its DNS names go into the API's serving certificate.</summary>
    public string ApiServiceName { get; set; } = "secretgroup-operator-api";

    /// <summary>Secret (in <see cref="Namespace"/>) holding the API's CA (ca.crt) and serving certificate.</summary>
    public string ApiCertSecret { get; set; } = "secretgroup-operator-api-tls";

    /// <summary>cert-manager writes the API's certificate Secret: only read tls.crt/tls.key.</summary>
    public bool ApiCertManager { get; set; }

    /// <summary>Requests a second each caller may make (refilled continuously); more get 429 with Retry-After.</summary>
    [Range(0.01, 10_000)]
    public double ApiRateLimit { get; set; } = 10;

    /// <summary>Requests a caller may make at once before <see cref="ApiRateLimit"/> applies.</summary>
    [Range(1, 100_000)]
    public int ApiRateBurst { get; set; } = 20;

    /// <summary>Port of /healthz and /readyz.</summary>
    [Range(1, 65535)]
    public int HealthPort { get; set; } = 8081;

    /// <summary>Port of the Prometheus /metrics endpoint.</summary>
    [Range(1, 65535)]
    public int MetricsPort { get; set; } = 8080;

    /// <summary>Log format: <c>json</c> (default in a cluster) or <c>text</c> (default elsewhere); empty picks the default.</summary>
    [RegularExpression("^(json|text)?$")]
    public string? LogFormat { get; set; }

    /// <summary><c>--sync-interval=1h</c>: <see cref="DefaultSyncInterval"/> in the CRDs' duration form (Helm value <c>syncInterval</c>).</summary>
    [Duration]
    public string? SyncInterval
    {
        get;
        set
        {
            field = value;
            if (Durations.TryParse(value, out var interval))
            {
                DefaultSyncInterval = interval;
            }
        }
    }

    /// <summary><c>--lease-duration=15s</c>: how long followers wait after the leader's last renewal before taking the Lease.</summary>
    [Duration]
    public string LeaseDuration { get; set; } = "15s";

    /// <summary><c>--lease-renew-deadline=10s</c>: how long the leader keeps trying to renew before it stops leading.</summary>
    [Duration]
    public string LeaseRenewDeadline { get; set; } = "10s";

    /// <summary><c>--lease-retry-period=2s</c>: how often candidates try to acquire, and the leader renews, the Lease.</summary>
    [Duration]
    public string LeaseRetryPeriod { get; set; } = "2s";
}

/// <summary>A duration such as <c>1h</c>, <c>30m</c> or <c>90s</c>, as the CRDs write them.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DurationAttribute : ValidationAttribute
{
    public DurationAttribute()
        : base("{0}: expected a duration such as 1h, 30m or 90s")
    {
    }

    public override bool IsValid(object? value) => value is null || (value is string text && Durations.TryParse(text, out _));
}
