using System.Globalization;
using System.Text.Json.Nodes;

namespace Operator.Testing.Stores.Vault;

/// <summary>KV v2 engine of the Vault fake: versioned entries with check-and-set and soft delete.</summary>
public sealed partial class VaultFake
{
    private readonly HashSet<string> kvMounts = new(StringComparer.Ordinal) { "secret" };
    private readonly Dictionary<(string Mount, string Entry), List<KvVersion>> entries = [];
    private int concurrentWrites;

    private sealed record KvVersion(Dictionary<string, string> Data, DateTimeOffset Created, DateTimeOffset? Deleted);

    /// <summary>Mounts another KV v2 engine at <paramref name="mount"/> (<c>secret</c> is mounted at start).</summary>
    public void AddKvMount(string mount)
    {
        lock (gate)
        {
            kvMounts.Add(mount);
        }
    }

    /// <summary>Sets one field of an entry as another writer would: a new version with the other fields kept.</summary>
    public long Seed(string entry, string field, string value, string mount = "secret")
    {
        lock (gate)
        {
            var data = new Dictionary<string, string>(Latest(mount, entry) ?? [], StringComparer.Ordinal) { [field] = value };
            return Append(mount, entry, data);
        }
    }

    /// <summary>The fields of the latest version, or null when the entry is absent or its latest version is deleted.</summary>
    public IReadOnlyDictionary<string, string>? Get(string entry, string mount = "secret")
    {
        lock (gate)
        {
            return Latest(mount, entry) is { } data ? new Dictionary<string, string>(data, StringComparer.Ordinal) : null;
        }
    }

    /// <summary>The entry's current version number (0 when it never existed).</summary>
    public long CurrentVersion(string entry, string mount = "secret")
    {
        lock (gate)
        {
            return entries.TryGetValue((mount, entry), out var versions) ? versions.Count : 0;
        }
    }

    /// <summary>Before each of the next <paramref name="writes"/> KV writes another writer sets field <c>CONCURRENT</c>, so a check-and-set write fails.</summary>
    public void ConflictNextWrites(int writes)
    {
        lock (gate)
        {
            concurrentWrites += writes;
        }
    }

    // Called under the gate.
    private Dictionary<string, string>? Latest(string mount, string entry) =>
        entries.TryGetValue((mount, entry), out var versions) && versions.Count > 0 && versions[^1].Deleted is null ? versions[^1].Data : null;

    // Called under the gate.
    private long Append(string mount, string entry, Dictionary<string, string> data)
    {
        if (!entries.TryGetValue((mount, entry), out var versions))
        {
            entries[(mount, entry)] = versions = [];
        }

        versions.Add(new KvVersion(data, Time.GetUtcNow(), null));
        return versions.Count;
    }

    // Called under the gate.
    private (int, JsonNode?) Kv(VaultRoute route, string method, JsonObject? body)
    {
        var key = (route.Mount, route.Entry);
        entries.TryGetValue(key, out var versions);
        switch (route.Operation)
        {
            case "kv.read":
                if (versions is null || versions.Count == 0)
                {
                    return (404, new JsonObject { ["errors"] = new JsonArray() });
                }

                var latest = versions[^1];
                var metadata = Metadata(versions.Count, latest);
                return latest.Deleted is null
                    ? (200, new JsonObject { ["data"] = new JsonObject { ["data"] = Fields(latest.Data), ["metadata"] = metadata } })
                    : (404, new JsonObject { ["data"] = new JsonObject { ["data"] = null, ["metadata"] = metadata } });

            case "kv.write":
                if (body?["data"] is not JsonObject fields)
                {
                    return (400, Errors("no data provided"));
                }

                if (concurrentWrites > 0)
                {
                    concurrentWrites--;
                    Append(route.Mount, route.Entry, new Dictionary<string, string>(Latest(route.Mount, route.Entry) ?? [], StringComparer.Ordinal) { ["CONCURRENT"] = "other-writer" });
                    entries.TryGetValue(key, out versions);
                }

                var current = versions?.Count ?? 0;
                if (body["options"]?["cas"] is JsonValue cas && cas.TryGetValue<long>(out var expected) && expected != current)
                {
                    return (400, Errors("check-and-set parameter did not match the current version"));
                }

                var data = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (field, node) in fields)
                {
                    data[field] = node is JsonValue s && s.TryGetValue<string>(out var text) ? text : node?.ToJsonString() ?? "null";
                }

                var version = Append(route.Mount, route.Entry, data);
                return (200, new JsonObject { ["data"] = Metadata(version, entries[key][^1]) });

            case "kv.delete":
                if (versions is { Count: > 0 } && versions[^1].Deleted is null)
                {
                    versions[^1] = versions[^1] with { Deleted = Time.GetUtcNow() };
                }

                return (204, null);

            default: // kv.metadata
                if (method == "DELETE")
                {
                    entries.Remove(key);
                    return (204, null);
                }

                if (versions is null || versions.Count == 0)
                {
                    return (404, new JsonObject { ["errors"] = new JsonArray() });
                }

                var all = new JsonObject();
                for (var i = 0; i < versions.Count; i++)
                {
                    all[(i + 1).ToString(CultureInfo.InvariantCulture)] = new JsonObject
                    {
                        ["created_time"] = Timestamp(versions[i].Created),
                        ["deletion_time"] = versions[i].Deleted is { } d ? Timestamp(d) : "",
                        ["destroyed"] = false,
                    };
                }

                return (200, new JsonObject
                {
                    ["data"] = new JsonObject
                    {
                        ["current_version"] = versions.Count,
                        ["oldest_version"] = 1,
                        ["created_time"] = Timestamp(versions[0].Created),
                        ["updated_time"] = Timestamp(versions[^1].Created),
                        ["versions"] = all,
                    },
                });
        }
    }

    private static JsonObject Fields(Dictionary<string, string> data) =>
        new(data.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));

    private static JsonObject Metadata(long version, KvVersion v) => new()
    {
        ["created_time"] = Timestamp(v.Created),
        ["custom_metadata"] = null,
        ["deletion_time"] = v.Deleted is { } d ? Timestamp(d) : "",
        ["destroyed"] = false,
        ["version"] = version,
    };

    private static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
