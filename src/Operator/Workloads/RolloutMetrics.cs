using System.Diagnostics.Metrics;
using Operator.Observability;

namespace Operator.Workloads;

/// <summary><c>secretgroup_rollouts_total</c>: pod-template restarts the operator made (or failed to make), by workload kind and result.</summary>
public sealed class RolloutMetrics
{
    public const string RolloutsTotal = "secretgroup_rollouts_total";

    private readonly Counter<long> rollouts;

    public RolloutMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        rollouts = meterFactory.Create(OperatorMetrics.MeterName)
            .CreateCounter<long>(RolloutsTotal, description: "Workload restarts after SecretGroup data changed, by kind and result (rolled, failed); one per debounce window however many groups changed.");
    }

    public void Record(string kind, bool rolled) =>
        rollouts.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("result", rolled ? "rolled" : "failed"));
}
