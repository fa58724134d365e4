using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;

namespace Operator.Tls;

/// <summary>
/// Runs a listener's certificate pass once at start, then every <see cref="CheckInterval"/> (every
/// <see cref="RetryInterval"/> while not ready), until stopped. The listener picks the certificate per handshake, so a
/// renewed one is served without a restart.
/// </summary>
public sealed partial class CertificateRenewal(Func<CancellationToken, Task<bool>> ensure, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    /// <summary>How often the certificate is checked for renewal (and re-read from cert-manager's Secret).</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromHours(1);

    /// <summary>Retry delay while the certificate (or what publishes its CA) is not there yet.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(15);

    private readonly CancellationTokenSource stopping = new();
    private Task? loop;
    private bool disposed;

    /// <summary>The first pass, then the loop in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var ready = await TryEnsureAsync(cancellationToken).ConfigureAwait(false);
        loop = LoopAsync(ready, stopping.Token);
    }

    public async Task StopAsync()
    {
        if (disposed)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        disposed = true;
        stopping.Dispose();
    }

    private async Task LoopAsync(bool ready, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(ready ? CheckInterval : RetryInterval, time, cancellationToken).ConfigureAwait(false);
                ready = await TryEnsureAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> TryEnsureAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ensure(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException)
        {
            LogEnsureFailed(logger, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Certificate check failed, retrying: {Error}")]
    private static partial void LogEnsureFailed(ILogger logger, string error);
}
