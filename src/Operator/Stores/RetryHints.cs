using System.Globalization;
using System.Net.Http.Headers;

namespace Operator.Stores;

/// <summary>Reads the wait a throttled answer asks for, in the forms the services use, bounded to something sane.</summary>
public static class RetryHints
{
    /// <summary>The longest wait a service may ask for that is still honoured (a longer one is clamped).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMinutes(5);

    /// <summary>A <c>Retry-After</c> value: delay-seconds or an HTTP date (RFC 9110 §10.2.3).</summary>
    public static TimeSpan? FromRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return Clamp(TimeSpan.FromSeconds(seconds));
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? Clamp(at - now) : null;
    }

    /// <summary>A <c>Retry-After</c> in delay-seconds, the form API servers and most services send; null for anything else.</summary>
    public static TimeSpan? FromDeltaSeconds(string? value) =>
        int.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? Clamp(TimeSpan.FromSeconds(seconds)) : null;

    /// <summary>The Retry-After of an HTTP response, if any.</summary>
    public static TimeSpan? FromHeaders(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => Clamp(delta),
        { Date: { } date } => Clamp(date - now),
        _ => null,
    };

    /// <summary>A protobuf Duration in JSON (<c>"5s"</c>, <c>"1.5s"</c>), as google.rpc.RetryInfo.retryDelay carries it.</summary>
    public static TimeSpan? FromDuration(string? value) =>
        value is { Length: > 1 } && value.EndsWith('s') && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? Clamp(TimeSpan.FromSeconds(seconds))
            : null;

    private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > Longest ? Longest : wait;
}
