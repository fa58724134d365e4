using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Operator.Testing.Kube;

namespace Operator.IntegrationTests.Chaos;

/// <summary>One version of a Secret as a watch delivered it (<c>DELETED</c> included); Data is null when the Secret had none.</summary>
public sealed record SecretVersion(string Name, string Uid, long ResourceVersion, string EventType, IReadOnlyDictionary<string, string>? Data);

/// <summary>
/// Records every version of the Secrets matching a label selector in one namespace, through a watch that resumes
/// across dropped streams. Watch drops and history compaction go through <see cref="DropWatches"/> and
/// <see cref="CompactHistoryAsync"/>: a compaction only happens while the recorder's stream is open, so every change
/// up to it has been delivered and the recorder resumes from the compaction point without a gap. A 410 it still
/// meets (e.g. beyond the emulator's history limit) is recorded in <see cref="Gaps"/>, then it relists.
/// </summary>
public sealed class SecretVersionRecorder : IAsyncDisposable
{
    private readonly KubeApiEmulator emulator;
    private readonly string path;
    private readonly string selector;
    private readonly HttpClient http;
    private readonly Lock gate = new();
    private readonly Dictionary<string, List<SecretVersion>> versions = new(StringComparer.Ordinal);
    private readonly List<string> gaps = [];
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;
    private long resumeFrom;
    private long floor;
    private int drops;
    private bool open;
    private TaskCompletionSource opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SecretVersionRecorder(KubeApiEmulator emulator, string ns, string labelSelector)
    {
        this.emulator = emulator;
        path = $"api/v1/namespaces/{ns}/secrets";
        selector = Uri.EscapeDataString(labelSelector);
        http = new HttpClient { BaseAddress = emulator.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", emulator.AdminToken);
    }

    /// <summary>Watch streams opened so far.</summary>
    public int Streams { get; private set; }

    /// <summary>Times the recorder could not prove it saw every version (it relisted after a 410).</summary>
    public IReadOnlyList<string> Gaps
    {
        get
        {
            lock (gate)
            {
                return [.. gaps];
            }
        }
    }

    /// <summary>Lists, then watches from the list's resourceVersion until disposed.</summary>
    public static async Task<SecretVersionRecorder> StartAsync(KubeApiEmulator emulator, string ns, string labelSelector)
    {
        var recorder = new SecretVersionRecorder(emulator, ns, labelSelector);
        await recorder.RelistAsync().ConfigureAwait(false);
        recorder.loop = Task.Run(recorder.WatchLoopAsync);
        return recorder;
    }

    /// <summary>Every version seen so far, by Secret name, in resourceVersion order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<SecretVersion>> Versions()
    {
        lock (gate)
        {
            return versions.ToDictionary(p => p.Key, p => (IReadOnlyList<SecretVersion>)[.. p.Value], StringComparer.Ordinal);
        }
    }

    /// <summary>The newest version of every Secret seen.</summary>
    public IReadOnlyDictionary<string, SecretVersion> Latest()
    {
        lock (gate)
        {
            return versions.ToDictionary(p => p.Key, p => p.Value[^1], StringComparer.Ordinal);
        }
    }

    /// <summary>Ends every watch stream on the emulator (the recorder's too, which then resumes where it was).</summary>
    public void DropWatches()
    {
        lock (gate)
        {
            emulator.DropWatches();
            drops++;
            open = false;
            opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Waits until the recorder's watch is open, then compacts the emulator's history (resumed watches of others get 410).</summary>
    public async Task CompactHistoryAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (gate)
            {
                if (open)
                {
                    floor = long.Parse(emulator.CompactHistory(), CultureInfo.InvariantCulture);
                    return;
                }

                wait = opened.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        http.Dispose();
        stop.Dispose();
    }

    private async Task WatchLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            long from;
            int dropsAtSend;
            lock (gate)
            {
                from = Math.Max(resumeFrom, floor);
                dropsAtSend = drops;
            }

            try
            {
                var query = $"?watch=true&allowWatchBookmarks=true&labelSelector={selector}&resourceVersion={from.ToString(CultureInfo.InvariantCulture)}";
                using var response = await http.GetAsync(new Uri(path + query, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, stop.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    continue; // an injected fault: ask again
                }

                lock (gate)
                {
                    if (drops != dropsAtSend)
                    {
                        continue; // this stream may have been dropped before it was open: it cannot vouch for a compaction
                    }

                    open = true;
                    Streams++;
                    opened.TrySetResult();
                }

                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token).ConfigureAwait(false), Encoding.UTF8);
                while (await reader.ReadLineAsync(stop.Token).ConfigureAwait(false) is { } line)
                {
                    if (line.Length > 0 && !await HandleAsync(JsonNode.Parse(line)!.AsObject()).ConfigureAwait(false))
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !stop.IsCancellationRequested)
            {
                // The stream was cut: resume.
            }
            finally
            {
                lock (gate)
                {
                    if (drops == dropsAtSend)
                    {
                        open = false;
                    }
                }
            }
        }
    }

    // False when the stream is over (an ERROR event).
    private async Task<bool> HandleAsync(JsonObject watchEvent)
    {
        var type = (string)watchEvent["type"]!;
        var obj = watchEvent["object"]!.AsObject();
        if (type == "ERROR")
        {
            lock (gate)
            {
                gaps.Add($"watch from {resumeFrom} ended with {(int?)obj["code"]} {(string?)obj["reason"]}; relisted");
            }

            await RelistAsync().ConfigureAwait(false);
            return false;
        }

        var rv = long.Parse((string)obj["metadata"]!["resourceVersion"]!, CultureInfo.InvariantCulture);
        lock (gate)
        {
            if (type != "BOOKMARK")
            {
                Record(ToVersion(obj, type));
            }

            resumeFrom = Math.Max(resumeFrom, rv);
        }

        return true;
    }

    private async Task RelistAsync()
    {
        while (true)
        {
            using var response = await http.GetAsync(new Uri($"{path}?labelSelector={selector}", UriKind.Relative), stop.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                continue;
            }

            var list = JsonNode.Parse(await response.Content.ReadAsStringAsync(stop.Token).ConfigureAwait(false))!.AsObject();
            lock (gate)
            {
                foreach (var item in list["items"]!.AsArray())
                {
                    Record(ToVersion(item!.AsObject(), "LISTED"));
                }

                resumeFrom = long.Parse((string)list["metadata"]!["resourceVersion"]!, CultureInfo.InvariantCulture);
            }

            return;
        }
    }

    // Under the gate. Replays after a resume may repeat a version already seen.
    private void Record(SecretVersion version)
    {
        if (!versions.TryGetValue(version.Name, out var list))
        {
            versions[version.Name] = list = [];
        }

        if (list.Count == 0 || list[^1].ResourceVersion < version.ResourceVersion || (version.EventType == "DELETED" && list[^1].EventType != "DELETED"))
        {
            list.Add(version);
        }
    }

    private static SecretVersion ToVersion(JsonObject secret, string type)
    {
        var metadata = secret["metadata"]!;
        var data = (secret["data"] as JsonObject)?.ToDictionary(
            p => p.Key,
            p => Encoding.UTF8.GetString(Convert.FromBase64String((string?)p.Value ?? "")),
            StringComparer.Ordinal);
        return new SecretVersion(
            (string)metadata["name"]!,
            (string)metadata["uid"]!,
            long.Parse((string)metadata["resourceVersion"]!, CultureInfo.InvariantCulture),
            type,
            data);
    }
}
