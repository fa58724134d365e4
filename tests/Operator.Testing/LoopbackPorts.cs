using System.Net;
using System.Net.Sockets;

namespace Operator.Testing;

/// <summary>Free TCP ports on 127.0.0.1, for listeners whose port must be known up front (the operator's health and metrics ports).</summary>
public static class LoopbackPorts
{
    /// <summary>A port free right now; another process could take it before it is bound, which is rare enough for tests.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
