using System.Globalization;
using System.Text.Json.Nodes;

namespace Operator.Testing.Stores.Hashicorp;

/// <summary>
/// KV v2 engine of the Vault fake: versioned entries with check-and-set and soft delete. Field values keep their JSON
/// type, as Vault stores the request's <c>data</c> object as given (numbers, booleans, objects and arrays included).
/// </summary>
public sealed partial class VaultFake
{
    /// <summary>
    /// Vault's integrated storage refuses an entry over <c>max_entry_size</c> (1048576 bytes by default): "put failed due
    /// to value being too large". The fake measures the data JSON; the real entry adds a little metadata.
    /// </summary>
    public const int MaxEntryBytes = 1024 * 1024;

    private readonly HashSet<string> kvMounts = new(StringComparer.Ordinal) { "secret" };
    private readonly Dictionary<(string Namespace, string Mount, string Entry), List<KvVersion>> entries = [];
    private int concurrentWrites;

    /// <summary>The KV v2 engine's default <c>max_versions</c>: versions a read by number can still find.</summary>
    public const int MaxVersions = 10;

    private sealed record KvVersion(JsonObject Data, DateTimeOffset Created, DateTimeOffset? Deleted);

    /// <summary>Mounts another KV v2 engine at <paramref name="mount"/> (<c>secret</c> is mounted at start).</summary>
    public void AddKvMount(string mount)
    {
        lock (gate)
        {
            kvMounts.Add(mount);
        }
    }

    /// <summary>Sets one string field of an entry as another writer would: a new version with the other fields kept.</summary>
    public long Seed(string entry, string field, string value, string mount = "secret", string vaultNamespace = "") =>
        Seed(entry, field, JsonValue.Create(value), mount, vaultNamespace);

    /// <summary>Sets one field to any JSON value (number, boolean, object ...), as <c>vault kv patch</c> with JSON would.</summary>
    public long Seed(string entry, string field, JsonNode value, string mount = "secret", string vaultNamespace = "")
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (gate)
        {
            var data = Latest(vaultNamespace, mount, entry)?.DeepClone().AsObject() ?? [];
            data[field] = value.DeepClone();
            return Append(vaultNamespace, mount, entry, data);
        }
    }

    /// <summary>The fields of the latest version (strings as they are, other types as JSON text), or null when absent or deleted.</summary>
    public IReadOnlyDictionary<string, string>? Get(string entry, string mount = "secret", string vaultNamespace = "")
    {
        lock (gate)
        {
            return Latest(vaultNamespace, mount, entry)?.ToDictionary(
                p => p.Key,
                p => p.Value is JsonValue v && v.TryGetValue<string>(out var text) ? text : p.Value?.ToJsonString() ?? "null",
                StringComparer.Ordinal);
        }
    }

    /// <summary>The latest version's data as Vault keeps it (JSON types intact), or null.</summary>
    public JsonObject? GetJson(string entry, string mount = "secret", string vaultNamespace = "")
    {
        lock (gate)
        {
            return Latest(vaultNamespace, mount, entry)?.DeepClone().AsObject();
        }
    }

    /// <summary>The entry's current version number (0 when it never existed).</summary>
    public long CurrentVersion(string entry, string mount = "secret", string vaultNamespace = "")
    {
        lock (gate)
        {
            return entries.TryGetValue((vaultNamespace, mount, entry), out var versions) ? versions.Count : 0;
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
    private JsonObject? Latest(string ns, string mount, string entry) =>
        entries.TryGetValue((ns, mount, entry), out var versions) && versions.Count > 0 && versions[^1].Deleted is null ? versions[^1].Data : null;

    // Called under the gate.
    private long Append(string ns, string mount, string entry, JsonObject data)
    {
        if (!entries.TryGetValue((ns, mount, entry), out var versions))
        {
            entries[(ns, mount, entry)] = versions = [];
        }

        versions.Add(new KvVersion(data, Time.GetUtcNow(), null));
        return versions.Count;
    }

    // Called under the gate. Vault answers a LIST with {"data":{"keys":[...]}}: entry names, and sub-folders with a
    // trailing '/'; an entry whose versions are all deleted keeps its metadata, so it is still listed; an empty or
    // missing folder answers 404 (KV v2 API, "List secrets").
    private (int, JsonNode?) ListKeys(string ns, string mount, string folder)
    {
        var dir = folder.Length == 0 || folder.EndsWith('/') ? folder : folder + "/";
        var keys = entries.Keys
            .Where(k => k.Namespace == ns && k.Mount == mount && k.Entry.StartsWith(dir, StringComparison.Ordinal) && entries[k].Count > 0)
            .Select(k => k.Entry[dir.Length..])
            .Select(rest => rest.Contains('/', StringComparison.Ordinal) ? rest[..(rest.IndexOf('/', StringComparison.Ordinal) + 1)] : rest)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return keys.Count == 0
            ? (404, new JsonObject { ["errors"] = new JsonArray() })
            : (200, new JsonObject { ["data"] = new JsonObject { ["keys"] = new JsonArray([.. keys.Select(k => (JsonNode)k)]) } });
    }

    // Called under the gate.
    private (int, JsonNode?) Kv(VaultRoute route, string ns, string method, JsonObject? body, string? versionQuery)
    {
        var key = (ns, route.Mount, route.Entry);
        entries.TryGetValue(key, out var versions);
        switch (route.Operation)
        {
            case "kv.read":
                if (versions is null || versions.Count == 0)
                {
                    return (404, new JsonObject { ["errors"] = new JsonArray() });
                }

                // GET data/:path?version=N; 0 or none is the latest. KV v2 keeps max_versions (10 by default): an older
                // version, or one not written yet, answers 404.
                var wanted = long.TryParse(versionQuery, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : versions.Count;
                if (wanted > versions.Count || wanted <= versions.Count - MaxVersions)
                {
                    return (404, new JsonObject { ["errors"] = new JsonArray() });
                }

                var latest = versions[(int)wanted - 1];
                var metadata = Metadata(wanted, latest);
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
                    var other = Latest(ns, route.Mount, route.Entry)?.DeepClone().AsObject() ?? [];
                    other["CONCURRENT"] = "other-writer";
                    Append(ns, route.Mount, route.Entry, other);
                    entries.TryGetValue(key, out versions);
                }

                var current = versions?.Count ?? 0;
                if (body["options"]?["cas"] is JsonValue cas && cas.TryGetValue<long>(out var expected) && expected != current)
                {
                    return (400, Errors("check-and-set parameter did not match the current version"));
                }

                var size = System.Text.Encoding.UTF8.GetByteCount(fields.ToJsonString());
                if (size > MaxEntryBytes)
                {
                    return (500, Errors($"put failed due to value being too large, max value size for key is {MaxEntryBytes}, got {size}"));
                }

                var version = Append(ns, route.Mount, route.Entry, fields.DeepClone().AsObject());
                return (200, new JsonObject { ["data"] = Metadata(version, entries[key][^1]) });

            case "kv.delete":
                if (versions is { Count: > 0 } && versions[^1].Deleted is null)
                {
                    versions[^1] = versions[^1] with { Deleted = Time.GetUtcNow() };
                }

                return (204, null);

            case "kv.list":
                return ListKeys(ns, route.Mount, route.Entry);

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

    private static JsonObject Fields(JsonObject data) => data.DeepClone().AsObject();

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
