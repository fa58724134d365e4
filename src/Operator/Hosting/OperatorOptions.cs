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
}
