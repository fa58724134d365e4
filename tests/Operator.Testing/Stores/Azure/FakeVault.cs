namespace Operator.Testing.Stores.Azure;

/// <summary>One stored version of a secret; Key Vault keeps tags per version (a set without tags makes a version without).</summary>
public sealed record FakeSecretVersion(string Version, string Value, DateTimeOffset Created, IReadOnlyDictionary<string, string>? Tags = null);

/// <summary>The fake's secrets: names compare case-insensitively, every write adds a version, deletes are soft.</summary>
internal sealed class FakeVault
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> live = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Entry> deleted = new(StringComparer.OrdinalIgnoreCase);

    internal sealed class Entry(string name)
    {
        public string Name { get; } = name;

        public List<FakeSecretVersion> Versions { get; } = [];

        public DateTimeOffset? DeletedOn { get; set; }
    }

    public enum SetOutcome
    {
        Written,
        DeletedButRecoverable,
    }

    public (SetOutcome Outcome, string Name, FakeSecretVersion? Version) Set(string name, string value, IReadOnlyDictionary<string, string>? tags = null)
    {
        lock (gate)
        {
            if (deleted.ContainsKey(name))
            {
                return (SetOutcome.DeletedButRecoverable, name, null);
            }

            if (!live.TryGetValue(name, out var entry))
            {
                entry = new Entry(name);
                live[name] = entry;
            }

            var version = new FakeSecretVersion(Guid.NewGuid().ToString("N"), value, DateTimeOffset.UtcNow, tags);
            entry.Versions.Add(version);
            return (SetOutcome.Written, entry.Name, version);
        }
    }

    public (string Name, FakeSecretVersion Version)? Get(string name, string? version)
    {
        lock (gate)
        {
            if (!live.TryGetValue(name, out var entry))
            {
                return null;
            }

            var found = string.IsNullOrEmpty(version)
                ? entry.Versions[^1]
                : entry.Versions.FirstOrDefault(v => string.Equals(v.Version, version, StringComparison.OrdinalIgnoreCase));
            return found is null ? null : (entry.Name, found);
        }
    }

    public (string Name, FakeSecretVersion Version, DateTimeOffset DeletedOn)? Delete(string name)
    {
        lock (gate)
        {
            if (!live.Remove(name, out var entry))
            {
                return null;
            }

            entry.DeletedOn = DateTimeOffset.UtcNow;
            deleted[name] = entry;
            return (entry.Name, entry.Versions[^1], entry.DeletedOn.Value);
        }
    }

    public (string Name, FakeSecretVersion Version)? Recover(string name)
    {
        lock (gate)
        {
            if (!deleted.Remove(name, out var entry))
            {
                return null;
            }

            entry.DeletedOn = null;
            live[name] = entry;
            return (entry.Name, entry.Versions[^1]);
        }
    }

    public (string Name, FakeSecretVersion Version, DateTimeOffset DeletedOn)? GetDeleted(string name)
    {
        lock (gate)
        {
            return deleted.TryGetValue(name, out var e) ? (e.Name, e.Versions[^1], e.DeletedOn!.Value) : null;
        }
    }

    public bool Purge(string name)
    {
        lock (gate)
        {
            return deleted.Remove(name);
        }
    }

    public IReadOnlyList<(string Name, FakeSecretVersion Version)> List()
    {
        lock (gate)
        {
            return [.. live.Values.Select(e => (e.Name, e.Versions[^1])).OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)];
        }
    }

    public IReadOnlyList<FakeSecretVersion> Versions(string name)
    {
        lock (gate)
        {
            return live.TryGetValue(name, out var e) ? [.. e.Versions] : [];
        }
    }
}
