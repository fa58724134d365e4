using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>One page of a list: its items, the snapshot's resourceVersion, and where the next page starts.</summary>
internal sealed record ListPage(List<JsonObject> Items, string ResourceVersion, string? Continue, long? RemainingItemCount);

/// <summary>
/// Lists in chunks as kube-apiserver does (API concepts, "Retrieving large results sets in chunks"; apiserver
/// storage/etcd3 GetList and storage.EncodeContinue): <c>limit</c> caps a page, <c>metadata.continue</c> is an opaque
/// token naming the snapshot's resourceVersion and the key after the last item, every page is served from that one
/// snapshot (etcd's MVCC; here the change history undone back to it), <c>remainingItemCount</c> is set only without
/// selectors, a malformed token is 400, and a token older than the history (etcd compaction) is 410 Expired.
/// </summary>
internal sealed partial class ResourceOperations
{
    private const string ContinueVersion = "meta.k8s.io/v1";

    /// <summary>kube-apiserver's message for a continue token whose snapshot has been compacted (storage/etcd3/errors.go).</summary>
    private const string ContinueExpired = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";

    public ListPage List(ResourceType type, string? ns, Func<JsonObject, bool> filter, long limit = 0, string? continueToken = null, bool selective = false)
    {
        lock (store.Gate)
        {
            var (version, start) = string.IsNullOrEmpty(continueToken) ? (store.CurrentResourceVersion, "") : DecodeContinue(continueToken);
            var snapshot = store.ListAt(type.StorageKey, ns, version)
                ?? throw new KubeApiException(410, "Expired", ContinueExpired);
            var index = LowerBound(snapshot, start);
            var items = new List<JsonObject>();
            string? last = null;
            for (; index < snapshot.Count && (limit <= 0 || items.Count < limit); index++)
            {
                if (filter(snapshot[index].Object))
                {
                    items.Add(snapshot[index].Object.DeepClone().AsObject());
                    last = snapshot[index].Key;
                }
            }

            var more = last is not null && snapshot.Skip(index).Any(o => filter(o.Object));
            var rv = version.ToString(CultureInfo.InvariantCulture);
            return more
                ? new ListPage(items, rv, EncodeContinue(version, last + "\0"), selective ? null : snapshot.Count - index)
                : new ListPage(items, rv, null, null);
        }
    }

    private static int LowerBound(List<(string Key, JsonObject Object)> sorted, string key)
    {
        var (lo, hi) = (0, sorted.Count);
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (string.CompareOrdinal(sorted[mid].Key, key) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static string EncodeContinue(long version, string start) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["v"] = ContinueVersion, ["rv"] = version, ["start"] = start }));

    /// <summary>storage.DecodeContinue: the token's snapshot version and start key, or 400 "invalid continue token".</summary>
    private static (long Version, string Start) DecodeContinue(string token)
    {
        JsonObject? decoded;
        try
        {
            decoded = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token))) as JsonObject;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw Invalid($"continue key is not valid: {e.Message}");
        }

        if (decoded is null || (string?)decoded["v"] != ContinueVersion)
        {
            throw Invalid($"continue key is not valid: server does not recognize this encoded key");
        }

        var version = decoded["rv"] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
        if (version <= 0)
        {
            throw Invalid($"continue key is not valid: incorrect encoded start resourceVersion (version {ContinueVersion})");
        }

        var start = (string?)decoded["start"];
        return string.IsNullOrEmpty(start) ? throw Invalid("continue key is not valid: encoded start key empty") : (version, start);

        static KubeApiException Invalid(string detail) => KubeApiException.BadRequest($"invalid continue token: {detail}");
    }
}
