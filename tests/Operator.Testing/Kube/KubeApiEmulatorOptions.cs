namespace Operator.Testing.Kube;

/// <summary>Settings for <see cref="KubeApiEmulator"/>.</summary>
public sealed record KubeApiEmulatorOptions
{
    /// <summary>Loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>How often watches that asked for allowWatchBookmarks get a BOOKMARK event (real time).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many changes are kept for watches to resume from; older resourceVersions get 410 Gone.</summary>
    public int WatchHistoryLimit { get; init; } = 10_000;

    /// <summary>Clock for creationTimestamp, deletionTimestamp and table ages. Watch timing uses real time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>
/// One request the emulator answered (or failed on purpose). Query is the raw query string ("?a=b" or "").
/// Fault matchers see it before it is answered, with StatusCode 0.
/// </summary>
public sealed record RecordedRequest(string Method, string Path, string Query, int StatusCode);
