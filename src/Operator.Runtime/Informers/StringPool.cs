using System.Collections.Concurrent;

namespace Operator.Runtime;

/// <summary>
/// Shares one instance of strings that many cached objects repeat (key names, condition reasons, namespaces), so
/// 10,000 objects hold one "Ready" rather than 10,000. Bounded: short strings only, and once <see cref="Capacity"/>
/// distinct values are held a new value is returned as it is (never freed, so user input cannot grow it unbounded).
/// </summary>
public sealed class StringPool
{
    /// <summary>Strings longer than this are returned as they are (they rarely repeat: paths, messages, hashes).</summary>
    public const int MaxLength = 64;

    /// <summary>Maps up to this many entries are copied into a <see cref="CompactMap"/> (found by a linear scan).</summary>
    public const int CompactMapMax = 16;

    private readonly ConcurrentDictionary<string, string> pool = new(StringComparer.Ordinal);

    /// <summary>The pool the operator's cache transforms share.</summary>
    public static StringPool Shared { get; } = new();

    public StringPool(int capacity = 16_384)
    {
        Capacity = capacity;
    }

    /// <summary>Distinct values held at most.</summary>
    public int Capacity { get; }

    /// <summary>Distinct values held now.</summary>
    public int Count => pool.Count;

    /// <summary>The pooled instance equal to <paramref name="value"/> (pooling it if there is room), else the value itself.</summary>
    public string? Share(string? value)
    {
        if (value is null || value.Length > MaxLength)
        {
            return value;
        }

        if (pool.TryGetValue(value, out var shared))
        {
            return shared;
        }

        return pool.Count < Capacity ? pool.GetOrAdd(value, value) : value;
    }

    /// <summary>A copy of <paramref name="map"/> whose keys and values are shared (null stays null): a
    /// <see cref="CompactMap"/> up to <see cref="CompactMapMax"/> entries, else a dictionary. <paramref name="values"/>
    /// false: only the keys are, for maps whose values are one object's own (uids, hashes), which would fill the pool
    /// with values nothing else repeats.</summary>
    public IDictionary<string, string>? Share(IDictionary<string, string>? map, bool values = true)
    {
        if (map is null)
        {
            return null;
        }

        var shared = map.Select(p => KeyValuePair.Create(Share(p.Key)!, values ? Share(p.Value)! : p.Value));
        return map.Count <= CompactMapMax ? new CompactMap(shared) : new Dictionary<string, string>(shared, StringComparer.Ordinal);
    }
}
