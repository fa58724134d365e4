using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Kube;

/// <summary>Serves <c>?watch=true</c>: newline-delimited watch events over a chunked response.</summary>
internal sealed class WatchStreamer(ObjectStore store, TimeSpan bookmarkInterval, TimeProvider time, EmulatorFaults faults)
{
    public async Task StreamAsync(HttpContext context, ResourceType type, string? ns, Func<JsonObject, bool> filter, CancellationToken stopping)
    {
        var query = context.Request.Query;
        var from = (string?)query["resourceVersion"];
        var bookmarks = (string?)query["allowWatchBookmarks"] is "true" or "1";
        long? fromVersion = null;
        if (!string.IsNullOrEmpty(from) && from != "0")
        {
            fromVersion = long.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw KubeApiException.BadRequest($"invalid resource version \"{from}\"");
        }

        WatchSubscription subscription;
        List<WatchRecord>? replay;
        lock (store.Gate)
        {
            (subscription, replay) = store.Subscribe(type.StorageKey, ns, fromVersion);
            if (fromVersion is null)
            {
                replay = store.List(type.StorageKey, ns)
                    .Select(o => new WatchRecord(0, type.StorageKey, Meta.Namespace(o), "ADDED", o, null))
                    .ToList();
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        if (int.TryParse((string?)query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        }

        try
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync(timeout.Token).ConfigureAwait(false);
            if (replay is null)
            {
                var gone = new KubeApiException(410, "Expired", $"too old resource version: {from} ({store.CurrentResourceVersion})");
                await WriteAsync(context, "ERROR", gone.ToStatus(), timeout.Token).ConfigureAwait(false);
                return;
            }

            foreach (var record in replay)
            {
                await SendAsync(context, type, record, filter, timeout.Token).ConfigureAwait(false);
            }

            await context.Response.Body.FlushAsync(timeout.Token).ConfigureAwait(false);
            await PumpAsync(context, type, subscription, filter, bookmarks, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // timeoutSeconds elapsed, the client went away or the emulator stopped: end the stream.
        }
        finally
        {
            store.Unsubscribe(subscription);
        }
    }

    private async Task PumpAsync(HttpContext context, ResourceType type, WatchSubscription subscription, Func<JsonObject, bool> filter, bool bookmarks, CancellationToken cancellationToken)
    {
        var reader = subscription.Channel.Reader;
        while (true)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (bookmarks)
            {
                tick.CancelAfter(bookmarkInterval);
            }

            try
            {
                if (!await reader.WaitToReadAsync(tick.Token).ConfigureAwait(false))
                {
                    return; // DropWatches completed the channel
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                string? version = null;
                lock (store.Gate)
                {
                    if (reader.Count == 0)
                    {
                        version = store.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture);
                    }
                }

                if (version is not null)
                {
                    var bookmark = new JsonObject
                    {
                        ["kind"] = type.Kind,
                        ["apiVersion"] = type.ApiVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = version },
                    };
                    await WriteAsync(context, "BOOKMARK", bookmark, cancellationToken).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            while (faults.IsHeld(type.Plural))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken).ConfigureAwait(false);
            }

            while (reader.TryRead(out var record))
            {
                await SendAsync(context, type, record, filter, cancellationToken).ConfigureAwait(false);
            }

            await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // With a selector, an object moving into or out of it is seen as ADDED or DELETED, like the real watch cache does.
    private Task SendAsync(HttpContext context, ResourceType type, WatchRecord record, Func<JsonObject, bool> filter, CancellationToken cancellationToken)
    {
        var now = filter(record.Object);
        var before = record.Previous is not null && filter(record.Previous);
        var eventType = record.Type switch
        {
            "ADDED" when now => "ADDED",
            "MODIFIED" when now && before => "MODIFIED",
            "MODIFIED" when now => "ADDED",
            "MODIFIED" when before => "DELETED",
            "DELETED" when now || before => "DELETED",
            _ => null,
        };
        if (eventType is null)
        {
            return Task.CompletedTask;
        }

        var obj = ApiHandler.Present(type, record.Object);
        if (TableConverter.Wants(context.Request.Headers.Accept))
        {
            // `kubectl get -w` asks for every event's object as a one-row Table.
            obj = TableConverter.Convert(type, [obj], Meta.ResourceVersion(obj), context.Request.Query["includeObject"], time.GetUtcNow());
        }

        return WriteAsync(context, eventType, obj, cancellationToken);
    }

    private static Task WriteAsync(HttpContext context, string eventType, JsonObject obj, CancellationToken cancellationToken)
    {
        var line = new JsonObject { ["type"] = eventType, ["object"] = obj }.ToJsonString(Json.Options) + "\n";
        return context.Response.WriteAsync(line, cancellationToken);
    }
}
