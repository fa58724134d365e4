namespace Operator.Runtime;

/// <summary>What the hosted service needs from every controller: run the workers until the token is cancelled.</summary>
internal interface IController
{
    string Name { get; }

    /// <summary>Enqueues every cached key, then runs the workers until <paramref name="cancellationToken"/> is cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
