using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Operator.Entities.V1Alpha1;

/// <summary>
/// A read-only list the SecretGroup cache keeps in a compact form (issue 21): each read builds a new item equal to the
/// one the list was made from, so enumeration, lookups and JSON see the same items; a change goes to a copy.
/// </summary>
[SuppressMessage("Naming", "CA1710", Justification = "Named for what it holds.")]
public abstract class CompactList<T> : IList<T>, IReadOnlyList<T>
{
    public abstract int Count { get; }

    public bool IsReadOnly => true;

    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return Read(index);
        }

        set => throw ReadOnly();
    }

    /// <summary>-1: each read is a new object, so no given instance is in the list (look an item up by its key).</summary>
    public int IndexOf(T item) => -1;

    public bool Contains(T item) => false;

    public void CopyTo(T[] array, int arrayIndex)
    {
        ArgumentNullException.ThrowIfNull(array);
        for (var i = 0; i < Count; i++)
        {
            array[arrayIndex + i] = Read(i);
        }
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return Read(i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Add(T item) => throw ReadOnly();

    public void Clear() => throw ReadOnly();

    public void Insert(int index, T item) => throw ReadOnly();

    public bool Remove(T item) => throw ReadOnly();

    public void RemoveAt(int index) => throw ReadOnly();

    /// <summary>A new item equal to the one at <paramref name="index"/> (in range).</summary>
    protected abstract T Read(int index);

    private static NotSupportedException ReadOnly() => new("a cached group is read-only: change a copy (CopyOfStatus, or a group read from the API)");
}
