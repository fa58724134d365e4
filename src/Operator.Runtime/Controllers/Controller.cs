using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Operator.Runtime;

/// <summary>
/// Workers take keys from the queue, look the object up in the cache and call the reconciler (or DeletedAsync when
/// the object is gone). RequeueAfter → delayed add; exception → per-key backoff; terminal exception → forgotten.
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

    public void Enqueue(ObjectKey key) => Queue.Add(key);

    public void EnqueueAfter(ObjectKey key, TimeSpan delay) => Queue.AddAfter(key, delay);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Level-based: whoever becomes leader looks at everything once, whatever happened before.
        foreach (var entity in cache.List())
        {
            Queue.Add(ObjectKey.From(entity));
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
        if (expectations?.Wait(key, cache.Get(key)) is { } wait)
        {
            // Our own last write of this object is not in the cache yet: its watch event enqueues the key again.
            Queue.AddAfter(key, wait);
            LogWaiting(logger, Name, key);
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
                Queue.Forget(key);
                if (result.RequeueAfter is { } delay)
                {
                    outcome = "requeue";
                    Queue.AddAfter(key, delay);
                }

                LogReconciled(logger, Name, key, result.RequeueAfter);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Leadership lost or shutting down: the next leader (or this one, later) reconciles the key again.
            outcome = "cancelled";
            Queue.Add(key);
        }
        catch (TerminalReconcileException e)
        {
            outcome = "terminal";
            Queue.Forget(key);
            LogTerminal(logger, Name, key, e.Message, e);
        }
        catch (Exception e)
        {
            outcome = "error";
            Queue.AddRateLimited(key);
            RuntimeMetrics.RecordRetry(Name);
            LogFailed(logger, Name, key, Queue.NumRequeues(key), e);
        }
        finally
        {
            RuntimeMetrics.RecordReconcile(Name, outcome, time.GetElapsedTime(started));
        }
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

    [LoggerMessage(Level = LogLevel.Error, Message = "{Controller} {Key} failed permanently and will not be retried until it changes: {Reason}")]
    private static partial void LogTerminal(ILogger logger, string controller, ObjectKey key, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Controller} {Key} failed (attempt {Attempt}); retrying with backoff")]
    private static partial void LogFailed(ILogger logger, string controller, ObjectKey key, int attempt, Exception exception);
}
