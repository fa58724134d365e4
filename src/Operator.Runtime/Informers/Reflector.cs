using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Operator.Runtime;

/// <summary>
/// Lists then watches one source into an informer's cache (client-go's Reflector): resumes the watch from the last seen
/// resourceVersion (bookmarks included) when the server ends it, relists on 410 Gone, retries failures with backoff.
/// </summary>
internal sealed class Reflector<TEntity>(ResourceInformer<TEntity> cache, IListWatcher<TEntity> source, TimeProvider time, ILogger logger)
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private static readonly BackoffOptions RetryBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2);

    /// <summary>A watch that ends sooner than this without any event is treated as a failure (as client-go does).</summary>
    private static readonly TimeSpan ShortWatch = TimeSpan.FromSeconds(1);

    private int failures;

    private string Name => source.Description;

    private string? LastResourceVersion => cache.LastResourceVersion;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var (items, resourceVersion) = await source.ListAsync(cache.Shape, cancellationToken).ConfigureAwait(false);
                cache.Replace(items, resourceVersion, alreadyShaped: true);
                failures = 0;
                InformerLog.Listed(logger, Name, items.Count, resourceVersion);
                await WatchUntilGoneAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                InformerLog.ListFailed(logger, Name, e);
                await BackOffAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    internal static bool IsGone(Exception e) => e switch
    {
        KubernetesException k => k.Status?.Code == (int)HttpStatusCode.Gone || k.Status?.Reason is "Expired" or "Gone",
        HttpOperationException h => h.Response?.StatusCode == HttpStatusCode.Gone,
        _ => false,
    };

    /// <summary>Watches and re-watches from the last resourceVersion; returns when the version is gone and a relist is needed.</summary>
    private async Task WatchUntilGoneAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var gone = false;
            var received = 0;
            var started = time.GetTimestamp();
            Exception? watchError = null;
            WatchDecodeException? unreadable = null;
            try
            {
                var events = source.WatchAsync(
                    LastResourceVersion ?? string.Empty,
                    e =>
                    {
                        if (IsGone(e))
                        {
                            gone = true;
                        }
                        else
                        {
                            watchError = e;
                        }
                    },
                    cancellationToken);
                await foreach (var (type, entity) in events.ConfigureAwait(false))
                {
                    received++;
                    if (entity is not null)
                    {
                        cache.Apply(type, entity);
                    }

                    if (gone)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (IsGone(e))
            {
                gone = true;
            }
            catch (WatchDecodeException e)
            {
                unreadable = e;
            }
            catch (Exception e)
            {
                watchError = e;
            }

            if (gone)
            {
                InformerLog.Relisting(logger, Name, LastResourceVersion);
                return;
            }

            if (unreadable is not null)
            {
                // Skipping the event would leave the cache wrong until the object changes again; resuming would read the
                // same line again. A relist reads the objects as they are now (client-go ends the watch on a decode error too).
                InformerLog.WatchUnreadable(logger, Name, LastResourceVersion, unreadable);
                await BackOffAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            if (watchError is not null)
            {
                InformerLog.WatchFailed(logger, Name, LastResourceVersion, watchError);
                await BackOffAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (received == 0 && time.GetElapsedTime(started) < ShortWatch)
            {
                // A server that ends watches at once (no events, not even bookmarks) must not make us spin. A quiet watch
                // that lived longer (a proxy's idle timeout) is resumed at once: backing off would only delay changes.
                InformerLog.WatchEnded(logger, Name, LastResourceVersion);
                await BackOffAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                failures = 0;
                InformerLog.WatchEnded(logger, Name, LastResourceVersion);
            }
        }
    }

    private Task BackOffAsync(CancellationToken cancellationToken)
    {
        failures++;
        return Task.Delay(RetryBackoff.DelayFor(failures, Random.Shared.NextDouble()), time, cancellationToken);
    }
}
