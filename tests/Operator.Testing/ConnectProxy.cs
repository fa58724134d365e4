using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Operator.Testing;

/// <summary>
/// An HTTP CONNECT proxy on 127.0.0.1 that tunnels every CONNECT, whatever host it names, to one loopback port: a
/// process started with <c>HTTPS_PROXY</c> reaches a fake under a real service's host name. TLS still ends at the fake,
/// so that name must be in the fake's certificate. Anything but CONNECT is answered 405.
/// </summary>
public sealed class ConnectProxy : IAsyncDisposable
{
    private const int MaxHeaderBytes = 8192;

    private readonly TcpListener listener;
    private readonly int targetPort;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<string> tunnelled = new();
    private readonly Task accepting;

    private ConnectProxy(int targetPort)
    {
        this.targetPort = targetPort;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        accepting = AcceptAsync();
    }

    /// <summary>For <c>HTTPS_PROXY</c>: <c>http://127.0.0.1:port</c>.</summary>
    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

    /// <summary>The <c>host:port</c> of every CONNECT so far.</summary>
    public IReadOnlyCollection<string> Tunnelled => [.. tunnelled];

    /// <summary>Starts a proxy that tunnels to 127.0.0.1:<paramref name="targetPort"/>.</summary>
    public static ConnectProxy Start(int targetPort) => new(targetPort);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        try
        {
            await accepting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stop.Token).ConfigureAwait(false);
            _ = TunnelAsync(client);
        }
    }

    private async Task TunnelAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var request = await ReadHeaderAsync(stream).ConfigureAwait(false);
            var parts = request.Split(' ');
            if (parts is not ["CONNECT", var target, ..])
            {
                await stream.WriteAsync("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), stop.Token).ConfigureAwait(false);
                return;
            }

            tunnelled.Enqueue(target);
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, targetPort, stop.Token).ConfigureAwait(false);
            await stream.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), stop.Token).ConfigureAwait(false);
            var up = upstream.GetStream();
            await Task.WhenAny(stream.CopyToAsync(up, stop.Token), up.CopyToAsync(stream, stop.Token)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>The request line; the rest of the header (up to the blank line) is read and dropped.</summary>
    private async Task<string> ReadHeaderAsync(NetworkStream stream)
    {
        var header = new List<byte>();
        var one = new byte[1];
        while (header.Count < MaxHeaderBytes && !(header.Count >= 4 && header[^4] == '\r' && header[^3] == '\n' && header[^2] == '\r' && header[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, stop.Token).ConfigureAwait(false) == 0)
            {
                break;
            }

            header.Add(one[0]);
        }

        var text = Encoding.ASCII.GetString([.. header]);
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }
}
