namespace Operator.References;

/// <summary>Who this installation serves and where it runs (<c>--tenant</c>, <c>--namespace</c>, <c>--tenant-admins</c>).</summary>
public sealed class TenancyOptions
{
    /// <summary>One tenant per installation: the first segment of every FQN.</summary>
    public string Tenant { get; set; } = "default";

    /// <summary>Namespace the operator runs in: its Lease, API-key and webhook-certificate Secrets, cluster-scoped objects' Events.</summary>
    public string Namespace { get; set; } = "default";

    /// <summary>Subjects (<c>user:</c> or <c>team:</c>) that hold every role on every group.</summary>
    public IReadOnlyList<string> TenantAdmins { get; set; } = [];
}
