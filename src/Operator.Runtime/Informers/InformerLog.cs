using Microsoft.Extensions.Logging;

namespace Operator.Runtime;

/// <summary>The informers' log lines.</summary>
internal static partial class InformerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Listed {Informer}: {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string informer, int count, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listing {Informer} failed; retrying with backoff")]
    public static partial void ListFailed(ILogger logger, string informer, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch of {Informer} expired at resourceVersion {ResourceVersion} (410 Gone); relisting")]
    public static partial void Relisting(ILogger logger, string informer, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of {Informer} failed at resourceVersion {ResourceVersion}; resuming with backoff")]
    public static partial void WatchFailed(ILogger logger, string informer, string? resourceVersion, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of {Informer} sent an event it cannot read after resourceVersion {ResourceVersion}; relisting with backoff")]
    public static partial void WatchUnreadable(ILogger logger, string informer, string? resourceVersion, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Watch of {Informer} ended by the server; resuming from resourceVersion {ResourceVersion}")]
    public static partial void WatchEnded(ILogger logger, string informer, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Error, Message = "An event handler of {Informer} failed")]
    public static partial void HandlerFailed(ILogger logger, string informer, Exception exception);
}
