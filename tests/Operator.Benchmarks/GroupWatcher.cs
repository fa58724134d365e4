using System.Diagnostics;
using System.Text.Json;

namespace Operator.Benchmarks;

/// <summary>
/// Follows every SecretGroup's status through one watch (one long request, so the benchmark barely adds to the API
/// server's load): when each first became Ready, which ever showed Ready=False StoreThrottled, and each lastSyncTime.
/// </summary>
internal sealed class GroupWatcher : IAsyncDisposable
{
    private readonly HttpClient http;
    private readonly string path;
    private readonly Stopwatch clock;
    private readonly CancellationTokenSource stop = new();
    private readonly Lock gate = new();
    private readonly Dictionary<string, TimeSpan> readyAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> lastSync = new(StringComparer.Ordinal);
    private readonly HashSet<string> throttled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> notReadyReasons = new(StringComparer.Ordinal);
    private readonly Task loop;
    private string? resourceVersion;

    private readonly bool allNamespaces;

    /// <summary>Watches the groups of <paramref name="namespace"/>, keyed by name; null: of every namespace, keyed by namespace/name.</summary>
    public GroupWatcher(Uri apiServer, string? @namespace, Stopwatch clock)
    {
        http = new HttpClient { BaseAddress = apiServer, Timeout = Timeout.InfiniteTimeSpan };
        allNamespaces = @namespace is null;
        path = allNamespaces
            ? "apis/secrets.tfy.dev/v1alpha1/secretgroups?watch=true&allowWatchBookmarks=true"
            : $"apis/secrets.tfy.dev/v1alpha1/namespaces/{@namespace}/secretgroups?watch=true&allowWatchBookmarks=true";
        this.clock = clock;
        loop = Task.Run(RunAsync);
    }

    public int ReadyCount
    {
        get
        {
            lock (gate)
            {
                return readyAt.Count;
            }
        }
    }

    /// <summary>Groups that ever showed Ready=False with reason StoreThrottled.</summary>
    public int ThrottledCount
    {
        get
        {
            lock (gate)
            {
                return throttled.Count;
            }
        }
    }

    /// <summary>Every Ready=False reason seen, with how many events carried it.</summary>
    public IReadOnlyDictionary<string, int> NotReadyReasons
    {
        get
        {
            lock (gate)
            {
                return new Dictionary<string, int>(notReadyReasons, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The time the last group first became Ready.</summary>
    public TimeSpan LastReadyAt
    {
        get
        {
            lock (gate)
            {
                return readyAt.Values.DefaultIfEmpty().Max();
            }
        }
    }

    /// <summary>When the group first showed Ready=True (on the benchmark's clock), if it has.</summary>
    public TimeSpan? ReadyAt(string name)
    {
        lock (gate)
        {
            return readyAt.TryGetValue(name, out var at) ? at : null;
        }
    }

    /// <summary>A copy of each group's current lastSyncTime.</summary>
    public Dictionary<string, string> LastSyncTimes()
    {
        lock (gate)
        {
            return new Dictionary<string, string>(lastSync, StringComparer.Ordinal);
        }
    }

    private async Task RunAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var url = resourceVersion is null ? path : $"{path}&resourceVersion={resourceVersion}";
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
                while (await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    Observe(line);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                await Task.Delay(200, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Observe(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        using var doc = JsonDocument.Parse(line);
        var type = doc.RootElement.GetProperty("type").GetString();
        var o = doc.RootElement.GetProperty("object");
        if (type == "ERROR")
        {
            resourceVersion = null; // 410 Gone: start over with a fresh list
            return;
        }

        var meta = o.GetProperty("metadata");
        resourceVersion = meta.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() : resourceVersion;
        if (type is "BOOKMARK" or "DELETED" || !o.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var name = allNamespaces ? $"{meta.GetProperty("namespace").GetString()}/{meta.GetProperty("name").GetString()}" : meta.GetProperty("name").GetString()!;
        var now = clock.Elapsed;
        lock (gate)
        {
            if (status.TryGetProperty("lastSyncTime", out var sync) && sync.GetString() is { } s)
            {
                lastSync[name] = s;
            }

            if (!status.TryGetProperty("conditions", out var conditions) || conditions.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var c in conditions.EnumerateArray())
            {
                if (c.GetProperty("type").GetString() != "Ready")
                {
                    continue;
                }

                var reason = c.TryGetProperty("reason", out var r) ? r.GetString() ?? "" : "";
                if (c.GetProperty("status").GetString() == "True")
                {
                    readyAt.TryAdd(name, now);
                }
                else
                {
                    notReadyReasons[reason] = notReadyReasons.GetValueOrDefault(reason) + 1;
                    if (reason == "StoreThrottled")
                    {
                        throttled.Add(name);
                    }
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        http.Dispose();
        stop.Dispose();
    }
}
