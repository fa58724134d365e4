namespace Operator.Runtime;

/// <summary>What the hosted service needs from every informer, whatever its kind.</summary>
public interface IInformer
{
    string Name { get; }

    bool HasSynced { get; }

    Task WaitForSyncAsync(CancellationToken cancellationToken);

    Task RunAsync(CancellationToken cancellationToken);
}
