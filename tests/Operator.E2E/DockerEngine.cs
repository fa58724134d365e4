using System.Net.Sockets;

namespace Operator.E2E;

/// <summary>Finds out quickly (well under 2 s) whether a Docker engine answers, so a machine without one skips, not hangs.</summary>
internal static class DockerEngine
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Why the end-to-end tests cannot run here, or null when a Docker engine is reachable.</summary>
    public static string? UnavailableReason => Unavailable.Value;

    private static string? Probe()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        try
        {
            if (string.IsNullOrEmpty(host) || host.StartsWith("unix://", StringComparison.Ordinal))
            {
                var path = string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host["unix://".Length..];
                if (!File.Exists(path))
                {
                    return $"no Docker engine: {path} does not exist and DOCKER_HOST is {(string.IsNullOrEmpty(host) ? "not set" : $"'{host}'")}";
                }

                using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                Connect(socket, new UnixDomainSocketEndPoint(path));
                return null;
            }

            if (Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme is "tcp" or "http" or "https")
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                Connect(socket, new System.Net.DnsEndPoint(uri.Host, uri.Port));
                return null;
            }

            return $"DOCKER_HOST '{host}' is not a unix:// or tcp:// address";
        }
        catch (Exception e) when (e is SocketException or TimeoutException or IOException or UnauthorizedAccessException)
        {
            return $"no Docker engine answers at {(string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host)}: {e.Message}";
        }
    }

    private static void Connect(Socket socket, System.Net.EndPoint endpoint)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            socket.ConnectAsync(endpoint, timeout.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("connect timed out after 1 s");
        }
    }
}
