namespace Operator.Runtime;

/// <summary>For /readyz (ready when caches are synced, on every replica) and metrics.</summary>
public interface IOperatorHealth
{
    bool CachesSynced { get; }

    bool IsLeader { get; }
}
