namespace Operator.Entities.V1Alpha1;

/// <summary>
/// The SecretGroup cache's form of <c>spec.secrets</c> (issue 21): the keys' names in one array and their remoteRefs in
/// another (none when no key sets one), instead of a list of objects. Read-only (<see cref="CompactList{T}"/>).
/// </summary>
public sealed class CompactKeySpecs : CompactList<SecretKeySpec>
{
    private readonly string[] keys;
    private readonly string?[]? remoteRefs;

    private CompactKeySpecs(string[] keys, string?[]? remoteRefs)
    {
        this.keys = keys;
        this.remoteRefs = remoteRefs;
    }

    public override int Count => keys.Length;

    /// <summary>The key names, in order (shared with the group's <see cref="CompactKeyStatuses"/>; never changed).</summary>
    internal string[] Keys => keys;

    /// <summary>The compact form of <paramref name="specs"/> (itself when empty or already compact).</summary>
    public static IList<SecretKeySpec> From(IList<SecretKeySpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        if (specs.Count == 0 || specs is CompactKeySpecs)
        {
            return specs;
        }

        var keys = new string[specs.Count];
        string?[]? remoteRefs = null;
        for (var i = 0; i < specs.Count; i++)
        {
            keys[i] = specs[i].Key;
            if (specs[i].RemoteRef is { } remoteRef)
            {
                remoteRefs ??= new string?[specs.Count];
                remoteRefs[i] = remoteRef;
            }
        }

        return new CompactKeySpecs(keys, remoteRefs);
    }

    protected override SecretKeySpec Read(int index) => new() { Key = keys[index], RemoteRef = remoteRefs?[index] };
}
