using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Operator.Runtime;

/// <summary>
/// Workers take keys from the queue, look the object up in the cache and call the reconciler (or DeletedAsync when
/// the object is gone). RequeueAfter → delayed add; Retry or an exception → per-key backoff; Terminal → forgotten.
/// Every reconcile ends in exactly one log line of this controller carrying the key (Debug unless something is wrong).
/// </summary>
internal sealed partial class Controller<TEntity> : IController, IControllerQueue<TEntity>, IDisposable
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IResourceCache<TEntity> cache;
    private readonly IServiceScopeFactory scopes;
    private readonly Func<IServiceProvider, IReconciler<TEntity>> resolveReconciler;
    private readonly ControllerOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly WriteExpectations<TEntity>? expectations;

    public Controller(
        IResourceCache<TEntity> cache,
        IServiceScopeFactory scopes,
        Func<IServiceProvider, IReconciler<TEntity>> resolveReconciler,
        ControllerOptions options,
        TimeProvider time,
        ILogger logger,
        WriteExpectations<TEntity>? expectations = null)
    {
        this.expectations = expectations;
        this.cache = cache;
        this.scopes = scopes;
        this.resolveReconciler = resolveReconciler;
        this.options = options;
        this.time = time;
        this.logger = logger;
        Queue = new WorkQueue<ObjectKey>(time, options.Backoff);
        Name = EntityMetadata.For<TEntity>().Kind;
        RuntimeMetrics.TrackQueue(Name, () => Queue.Length);
    }

    public string Name { get; }

    public int Length => Queue.Length;

    internal WorkQueue<ObjectKey> Queue { get; }

    public void Enqueue(ObjectKey key) => Queue.Add(key, QueuePriority.Change);

    public void Enqueue(ObjectKey key, QueuePriority priority) => Queue.Add(key, priority);

    public void EnqueueAfter(ObjectKey key, TimeSpan delay) => Queue.AddAfter(key, delay);

    public bool IsIdle => Queue.IsIdle;

    public DateTimeOffset? NextDueAt => Queue.NextDueAt;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Level-based: whoever becomes leader looks at everything once, whatever happened before (as refreshes: a change
        // made meanwhile was queued as a change by the informer and keeps its place).
        foreach (var entity in cache.List())
        {
            Queue.Add(ObjectKey.From(entity), QueuePriority.Refresh);
        }

        LogStarting(logger, Name, options.Workers);
        var workers = Enumerable.Range(0, Math.Max(1, options.Workers))
            .Select(_ => Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None))
            .ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        LogStopped(logger, Name);
    }

    public void Dispose() => Queue.Dispose();

    /// <summary>Takes one key and reconciles it; false when the queue is shut down or the token is cancelled.</summary>
    internal async Task<bool> ProcessNextAsync(CancellationToken cancellationToken)
    {
        ObjectKey key;
        try
        {
            (key, var shutDown) = await Queue.GetAsync(cancellationToken).ConfigureAwait(false);
            if (shutDown)
            {
                return false;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        try
        {
            await ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Queue.Done(key);
        }

        return !cancellationToken.IsCancellationRequested;
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (await ProcessNextAsync(cancellationToken).ConfigureAwait(false))
        {
        }
    }

    private async Task ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        if (expectations?.Wait(key, cache.Get(key)) is { } remaining)
        {
            // Our own last write of this object is not in the cache yet: the watch event that brings it enqueues the key
            // again (a relist past it does too, as an update). Should neither come, the key comes back once the
            // expectation has lapsed, so a lost event delays a reconcile by at most the timeout, never forever; when the
            // event does come, handing the key out drops this entry (no later no-op reconcile). The reconcile did not
            // run, so the delayed entry its hand-out dropped (a refresh) is given back.
            LogWaiting(logger, Name, key);
            Queue.PutBack(key, remaining);
            return;
        }

        var started = time.GetTimestamp();
        var outcome = "success";
        try
        {
            var scope = scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var reconciler = resolveReconciler(scope.ServiceProvider);
                var entity = cache.Get(key);
                if (entity is null)
                {
                    await reconciler.DeletedAsync(key, cancellationToken).ConfigureAwait(false);
                    Queue.Forget(key);
                    LogDeleted(logger, Name, key);
                    return;
                }

                var result = await reconciler.ReconcileAsync(entity, cancellationToken).ConfigureAwait(false);
                outcome = Apply(key, result);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Leadership lost or shutting down: the next leader (or this one, later) reconciles the key again.
            outcome = "cancelled";
            Queue.AddAgain(key);
        }
        catch (TerminalReconcileException e)
        {
            // Thrown on purpose: the message says why; a stack trace would add nothing.
            outcome = "terminal";
            Queue.Forget(key);
            LogTerminal(logger, Name, key, e.Message);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Optimistic concurrency at work (the object changed since the cache saw it): expected, retried from a fresh copy.
            outcome = "error";
            Queue.AddRateLimited(key);
            RuntimeMetrics.RecordRetry(Name);
            var attempt = Queue.NumRequeues(key);
            LogConflict(logger, Name, key, attempt);
        }
        catch (Exception e)
        {
            // Unexpected: the only case that logs a stack trace.
            outcome = "error";
            Queue.AddRateLimited(key);
            RuntimeMetrics.RecordRetry(Name);
            var attempt = Queue.NumRequeues(key);
            LogFailed(logger, Name, key, attempt, e);
        }
        finally
        {
            RuntimeMetrics.RecordReconcile(Name, outcome, time.GetElapsedTime(started));
        }
    }

    /// <summary>Queues the key as the result asks and returns the metric outcome. The reconciler has already reported
    /// an expected failure (status, Event, its own log line), so the controller adds only a Debug line.</summary>
    private string Apply(ObjectKey key, ReconcileResult result)
    {
        if (result.FailureReason is { } reason)
        {
            if (result.IsTerminal)
            {
                Queue.Forget(key);
                LogNotRetried(logger, Name, key, reason);
                return "terminal";
            }

            Queue.AddRateLimited(key);
            RuntimeMetrics.RecordRetry(Name);
            var attempt = Queue.NumRequeues(key);
            LogRetrying(logger, Name, key, reason, attempt);
            return "error";
        }

        Queue.Forget(key);
        if (result.RequeueAfter is { } delay)
        {
            Queue.AddAfter(key, delay);
        }

        LogReconciled(logger, Name, key, result.RequeueAfter);
        return result.RequeueAfter is null ? "success" : "requeue";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting controller {Controller} with {Workers} workers")]
    private static partial void LogStarting(ILogger logger, string controller, int workers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Controller {Controller} stopped")]
    private static partial void LogStopped(ILogger logger, string controller);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Controller} {Key} reconciled; requeue after {RequeueAfter}")]
    private static partial void LogReconciled(ILogger logger, string controller, ObjectKey key, TimeSpan? requeueAfter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Controller} {Key} waits for the cache to see this process's last write of it")]
    private static partial void LogWaiting(ILogger logger, string controller, ObjectKey key);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Controller} {Key} is gone; cleanup done")]
    private static partial void LogDeleted(ILogger logger, string controller, ObjectKey key);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Controller} {Key} failed: {Reason}; retry {Attempt} with backoff")]
    private static partial void LogRetrying(ILogger logger, string controller, ObjectKey key, string reason, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Controller} {Key} failed: {Reason}; not retried until something it depends on changes")]
    private static partial void LogNotRetried(ILogger logger, string controller, ObjectKey key, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Controller} {Key} failed permanently and will not be retried until it changes: {Reason}")]
    private static partial void LogTerminal(ILogger logger, string controller, ObjectKey key, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Controller} {Key} changed while it was reconciled (409 Conflict); retry {Attempt} with backoff")]
    private static partial void LogConflict(ILogger logger, string controller, ObjectKey key, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Controller} {Key} failed unexpectedly (attempt {Attempt}); retrying with backoff")]
    private static partial void LogFailed(ILogger logger, string controller, ObjectKey key, int attempt, Exception exception);
}
