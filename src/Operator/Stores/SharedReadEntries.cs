namespace Operator.Stores;

/// <summary>
/// The values <see cref="SharedReads"/> keeps: at most <paramref name="maxEntries"/> and <paramref name="maxBytes"/>
/// (values, key text and bookkeeping), the oldest read evicted first. Not thread-safe: the caller holds its lock.
/// </summary>
internal sealed class SharedReadEntries(int maxEntries, long maxBytes)
{
    // Bookkeeping per entry beyond the value and the key's text (the dictionary slot, list node, entry object).
    private const int EntryOverhead = 160;

    private readonly Dictionary<SharedReadKey, Entry> entries = [];
    private readonly LinkedList<Entry> oldestFirst = new();

    public int Count => entries.Count;

    public long Bytes { get; private set; }

    /// <summary>The value read for <paramref name="key"/> (null: the store had none) if it was read at or after <paramref name="since"/>.</summary>
    public bool TryGet(SharedReadKey key, DateTimeOffset since, out StoreValue? value)
    {
        var found = entries.TryGetValue(key, out var entry) && entry.ReadAt >= since;
        value = found ? entry!.Value : null;
        return found;
    }

    /// <summary>Keeps a value read at <paramref name="readAt"/>; returns how many older values were evicted to make room.</summary>
    public int Put(SharedReadKey key, StoreValue? value, DateTimeOffset readAt)
    {
        Remove(key);
        var size = EntryOverhead + (value?.Value.Length ?? 0) + (2L * (key.Path.Length + (key.Version?.Length ?? 0)));
        if (size > maxBytes)
        {
            return 0;
        }

        var entry = new Entry(key, value, readAt, size);
        entry.Node = oldestFirst.AddLast(entry);
        entries[key] = entry;
        Bytes += size;
        var evicted = 0;
        while (entries.Count > maxEntries || Bytes > maxBytes)
        {
            Remove(oldestFirst.First!.Value.Key);
            evicted++;
        }

        return evicted;
    }

    /// <summary>Drops values read before <paramref name="before"/>; returns how many.</summary>
    public int Expire(DateTimeOffset before)
    {
        var expired = 0;
        while (oldestFirst.First is { } oldest && oldest.Value.ReadAt < before)
        {
            Remove(oldest.Value.Key);
            expired++;
        }

        return expired;
    }

    /// <summary>Drops every value whose key matches; returns how many.</summary>
    public int RemoveWhere(Func<SharedReadKey, bool> match)
    {
        var keys = entries.Keys.Where(match).ToList();
        keys.ForEach(k => Remove(k));
        return keys.Count;
    }

    private void Remove(SharedReadKey key)
    {
        if (entries.Remove(key, out var entry))
        {
            oldestFirst.Remove(entry.Node!);
            Bytes -= entry.Size;
        }
    }

    /// <summary>A value (null: the store has none) and when its read started; never printed.</summary>
    private sealed class Entry(SharedReadKey key, StoreValue? value, DateTimeOffset readAt, long size)
    {
        public SharedReadKey Key { get; } = key;

        public StoreValue? Value { get; } = value;

        public DateTimeOffset ReadAt { get; } = readAt;

        public long Size { get; } = size;

        public LinkedListNode<Entry>? Node { get; set; }
    }
}
