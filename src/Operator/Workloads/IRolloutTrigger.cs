using Operator.Entities.V1Alpha1;

namespace Operator.Workloads;

/// <summary>Rolls the workloads that asked (annotation <c>secrets.tfy.dev/reload</c>) when a group's data changed.</summary>
public interface IRolloutTrigger
{
    /// <summary>Called after the managed Secret was rewritten with new data; never throws for a workload it cannot patch.</summary>
    Task OnGroupDataChangedAsync(SecretGroup group, string previousHash, string newHash, CancellationToken cancellationToken);
}
