using Operator.Runtime;

namespace Operator.Tests;

/// <summary>A synced cache with nothing in it, for what needs one but never reads it.</summary>
internal sealed class EmptyCache<T> : IResourceCache<T>
    where T : class
{
    public bool HasSynced => true;

    public T? Get(ObjectKey key) => null;

    public IReadOnlyList<T> List(string? @namespace = null) => [];

    public IReadOnlyList<T> ByIndex(string index, string value) => [];
}
