namespace Operator.Runtime;

public interface ILeaderStatus
{
    bool IsLeader { get; }
}
