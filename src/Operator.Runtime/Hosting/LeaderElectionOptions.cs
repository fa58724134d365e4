using System.Security.Cryptography;

namespace Operator.Runtime;

public sealed class LeaderElectionOptions
{
    /// <summary>When false this replica is the leader at once (single replica, local runs, tests).</summary>
    public bool Enabled { get; set; } = true;

    public string LeaseName { get; set; } = "secretgroup-operator";

    public string LeaseNamespace { get; set; } = "default";

    /// <summary>Unique per process: the machine (pod) name plus a random suffix, so a restarted pod is a new candidate.</summary>
    public string Identity { get; set; } = $"{Environment.MachineName}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}
