using System.Collections.Concurrent;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.RestApi;

/// <summary>
/// The groups this API created, changed or deleted that the informer cache has not caught up with yet, laid over the
/// cache's list so that a caller's list right after its own write shows that write (read-your-writes). An entry goes
/// when the cache holds the written version or later, or after <see cref="WriteExpectations.Timeout"/>.
/// </summary>
public sealed class RecentGroupWrites(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (SecretGroup? Group, string ResourceVersion, long Since)> byUid = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="written"/>, the group as the API server returned it after a create or patch.</summary>
    public void Written(SecretGroup written)
    {
        ArgumentNullException.ThrowIfNull(written);
        byUid[written.Metadata.Uid] = (written, written.Metadata.ResourceVersion ?? "", time.GetTimestamp());
    }

    /// <summary>Records that the group with <paramref name="uid"/> (last seen at <paramref name="resourceVersion"/>) was deleted.</summary>
    public void Deleted(string uid, string resourceVersion) => byUid[uid] = (null, resourceVersion, time.GetTimestamp());

    /// <summary><paramref name="cached"/> with this API's newer writes in place of (or beside) the cache's copies.</summary>
    public IEnumerable<SecretGroup> Over(IEnumerable<SecretGroup> cached)
    {
        ArgumentNullException.ThrowIfNull(cached);
        if (byUid.IsEmpty)
        {
            return cached;
        }

        var result = new List<SecretGroup>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in cached)
        {
            var uid = group.Metadata.Uid;
            if (!byUid.TryGetValue(uid, out var recent))
            {
                result.Add(group);
                continue;
            }

            seen.Add(uid);
            var caughtUp = recent.Group is not null && WriteExpectations.AtLeast(group.Metadata.ResourceVersion, recent.ResourceVersion);
            if (caughtUp || Expired(recent.Since))
            {
                byUid.TryRemove(KeyValuePair.Create(uid, recent));
                result.Add(group);
            }
            else if (recent.Group is not null)
            {
                result.Add(recent.Group);
            }
        }

        foreach (var (uid, recent) in byUid)
        {
            if (seen.Contains(uid))
            {
                continue;
            }

            // Not in the cache: a create it has not seen yet, or a delete it has seen (the entry is done).
            if (recent.Group is null || Expired(recent.Since))
            {
                byUid.TryRemove(KeyValuePair.Create(uid, recent));
            }
            else
            {
                result.Add(recent.Group);
            }
        }

        return result;
    }

    private bool Expired(long since) => time.GetElapsedTime(since) >= WriteExpectations.Timeout;
}
