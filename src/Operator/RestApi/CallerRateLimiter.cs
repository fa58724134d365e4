using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Operator.Stores;

namespace Operator.RestApi;

/// <summary>
/// One token bucket per caller (<c>--api-rate-limit</c> a second, <c>--api-rate-burst</c> at once): an authenticated
/// caller by subject, a credential not yet verified by the client's address, so unknown tokens cannot buy unlimited
/// TokenReviews. Over the limit is a 429 with Retry-After. Idle buckets are dropped, so memory stays bounded.
/// </summary>
public sealed class CallerRateLimiter(IOptions<RestApiOptions> options, TimeProvider time)
{
    /// <summary>Buckets kept before idle (full) ones are swept.</summary>
    public const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, TokenBucket> buckets = new(StringComparer.Ordinal);

    /// <summary>Takes one request from <paramref name="caller"/>'s bucket, or throws the 429.</summary>
    public void Take(string caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (buckets.Count > SweepAbove)
        {
            Sweep();
        }

        var bucket = buckets.GetOrAdd(caller, _ => new TokenBucket(options.Value.RateLimitPerMinute / 60.0, options.Value.RateBurst, time));
        if (!bucket.TryAcquire(out var retryAfter))
        {
            throw ApiException.RateLimited(retryAfter);
        }
    }

    private void Sweep()
    {
        foreach (var (key, bucket) in buckets)
        {
            if (bucket.IsFull)
            {
                buckets.TryRemove(key, out _);
            }
        }
    }
}
