namespace Operator.Testing.Kube;

/// <summary>Settings for <see cref="KubeApiEmulator"/>.</summary>
public sealed record KubeApiEmulatorOptions
{
    /// <summary>Loopback port to listen on with plain HTTP; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Loopback port to listen on with HTTPS (what kubeconfigs point at); 0 picks a free one.</summary>
    public int SecurePort { get; init; }

    /// <summary>How often watches that asked for allowWatchBookmarks get a BOOKMARK event (real time).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many changes are kept for watches to resume from; older resourceVersions get 410 Gone.</summary>
    public int WatchHistoryLimit { get; init; } = 10_000;

    /// <summary>Clock for creationTimestamp, deletionTimestamp, table ages and token expiry. Watch timing uses real time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Authorise every request with RBAC (--authorization-mode=RBAC) and refuse RBAC escalation. Off (the default):
    /// every authenticated or anonymous request is allowed (AlwaysAllow). Authentication is always on.
    /// </summary>
    public bool EnforceRbac { get; init; }

    /// <summary>Bearer tokens and the users and groups they stand for (--token-auth-file).</summary>
    public IReadOnlyList<StaticToken> StaticTokens { get; init; } = [];

    /// <summary>Requests without a bearer token are system:anonymous (--anonymous-auth, on by default as in kube-apiserver).</summary>
    public bool AnonymousAuth { get; init; } = true;

    /// <summary>The issuer of ServiceAccount tokens (--service-account-issuer).</summary>
    public string ServiceAccountIssuer { get; init; } = "https://kubernetes.default.svc.cluster.local";

    /// <summary>The API server's own audiences (--api-audiences; defaults to the issuer, as in kube-apiserver).</summary>
    public IReadOnlyList<string>? ApiAudiences { get; init; }
}

/// <summary>
/// One request the emulator answered (or failed on purpose). Query is the raw query string ("?a=b" or "").
/// Fault matchers see it before it is answered, with StatusCode 0.
/// </summary>
public sealed record RecordedRequest(string Method, string Path, string Query, int StatusCode)
{
    /// <summary>Who the request acted as (after impersonation); "" when it was refused before that was known.</summary>
    public string User { get; init; } = "";

    /// <summary>The message of the Status a refused request was answered with; "" otherwise.</summary>
    public string Message { get; init; } = "";
}
