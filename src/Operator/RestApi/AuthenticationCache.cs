using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Operator.RestApi;

/// <summary>
/// Authentication outcomes for <see cref="Ttl"/>, keyed by a SHA-256 hash of the credential (never the credential
/// itself): a caller repeating a request costs no TokenReview or Secret read, and a refused credential is refused
/// again without asking. A revoked token keeps working here for at most <see cref="Ttl"/>.
/// </summary>
public sealed class AuthenticationCache(TimeProvider time)
{
    /// <summary>How long an outcome is reused (the API server's own webhook token cache keeps them 2 minutes).</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    /// <summary>Entries kept before expired ones are swept; past it, the cache starts over.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>The cache key of a credential of <paramref name="kind"/> (bearer, key).</summary>
    public static string KeyOf(string kind, string credential) =>
        $"{kind}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(credential)))}";

    /// <summary>The cached outcome: a caller, or the refusal to repeat; false when unknown or expired.</summary>
    public bool TryGet(string key, out Caller? caller, out string? refusal)
    {
        (caller, refusal) = (null, null);
        if (!entries.TryGetValue(key, out var entry) || entry.Expires <= time.GetUtcNow())
        {
            return false;
        }

        (caller, refusal) = (entry.Caller, entry.Refusal);
        return true;
    }

    public void Accepted(string key, Caller caller) => Add(key, new Entry(caller, null, time.GetUtcNow() + Ttl));

    public void Refused(string key, string refusal) => Add(key, new Entry(null, refusal, time.GetUtcNow() + Ttl));

    private void Add(string key, Entry entry)
    {
        if (entries.Count >= MaxEntries)
        {
            var now = time.GetUtcNow();
            foreach (var (k, e) in entries)
            {
                if (e.Expires <= now)
                {
                    entries.TryRemove(k, out _);
                }
            }

            if (entries.Count >= MaxEntries)
            {
                entries.Clear();
            }
        }

        entries[key] = entry;
    }

    private sealed record Entry(Caller? Caller, string? Refusal, DateTimeOffset Expires);
}
