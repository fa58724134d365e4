using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Operator.Runtime;

/// <summary>
/// A small string map for cached objects' labels, annotations and data (issue 21): keys and values in one array, in
/// insertion order, ordinal keys, found by a linear scan. About a third of a <see cref="Dictionary{TKey, TValue}"/>'s
/// memory for the few entries these maps hold; every <see cref="IDictionary{TKey, TValue}"/> operation works.
/// </summary>
[SuppressMessage("Naming", "CA1710", Justification = "A map, named for what it is next to Dictionary.")]
public sealed class CompactMap : IDictionary<string, string>, IReadOnlyDictionary<string, string>
{
    private string[] items;
    private int count;

    public CompactMap(IEnumerable<KeyValuePair<string, string>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        items = entries.TryGetNonEnumeratedCount(out var n) ? new string[2 * n] : [];
        foreach (var (key, value) in entries)
        {
            this[key] = value;
        }

        if (items.Length != 2 * count)
        {
            Array.Resize(ref items, 2 * count);
        }
    }

    public int Count => count;

    public bool IsReadOnly => false;

    public ICollection<string> Keys => Enumerable.Range(0, count).Select(i => items[2 * i]).ToList();

    public ICollection<string> Values => Enumerable.Range(0, count).Select(i => items[(2 * i) + 1]).ToList();

    IEnumerable<string> IReadOnlyDictionary<string, string>.Keys => Keys;

    IEnumerable<string> IReadOnlyDictionary<string, string>.Values => Values;

    public string this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The key '{key}' was not present.");
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            var i = IndexOf(key);
            if (i >= 0)
            {
                items[i + 1] = value;
                return;
            }

            if (items.Length < 2 * (count + 1))
            {
                Array.Resize(ref items, 2 * (count + 1));
            }

            items[2 * count] = key;
            items[(2 * count) + 1] = value;
            count++;
        }
    }

    public void Add(string key, string value)
    {
        if (ContainsKey(key))
        {
            throw new ArgumentException($"An item with the same key has already been added. Key: {key}", nameof(key));
        }

        this[key] = value;
    }

    public void Add(KeyValuePair<string, string> item) => Add(item.Key, item.Value);

    public void Clear()
    {
        items = [];
        count = 0;
    }

    public bool Contains(KeyValuePair<string, string> item) => TryGetValue(item.Key, out var value) && value == item.Value;

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public void CopyTo(KeyValuePair<string, string>[] array, int arrayIndex)
    {
        ArgumentNullException.ThrowIfNull(array);
        foreach (var pair in this)
        {
            array[arrayIndex++] = pair;
        }
    }

    public bool Remove(string key)
    {
        var i = IndexOf(key);
        if (i < 0)
        {
            return false;
        }

        Array.Copy(items, i + 2, items, i, (2 * count) - i - 2);
        count--;
        Array.Resize(ref items, 2 * count);
        return true;
    }

    public bool Remove(KeyValuePair<string, string> item) => Contains(item) && Remove(item.Key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? items[i + 1] : null;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < count; i++)
        {
            yield return new KeyValuePair<string, string>(items[2 * i], items[(2 * i) + 1]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The index in <see cref="items"/> of <paramref name="key"/>'s slot, -1 when absent.</summary>
    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var i = 0; i < 2 * count; i += 2)
        {
            if (string.Equals(items[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
