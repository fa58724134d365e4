namespace Operator.Runtime;

public interface ILeaderStatus
{
    bool IsLeader { get; }
}

/// <summary>For /readyz (ready when caches are synced, on every replica) and metrics.</summary>
public interface IOperatorHealth
{
    bool CachesSynced { get; }

    bool IsLeader { get; }
}
