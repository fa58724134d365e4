namespace Operator.Runtime;

/// <summary>What a controller is doing, for tests and diagnostics; every controller is registered as one.</summary>
public interface IControllerActivity
{
    /// <summary>The controller's name (its entity kind).</summary>
    string Name { get; }

    /// <summary>No key is ready or being reconciled (delayed keys may wait).</summary>
    bool IsIdle { get; }

    /// <summary>When the earliest delayed key (requeue or backoff) falls due, if any.</summary>
    DateTimeOffset? NextDueAt { get; }
}
