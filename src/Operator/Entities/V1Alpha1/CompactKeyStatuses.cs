namespace Operator.Entities.V1Alpha1;

/// <summary>
/// The SecretGroup cache's form of <c>status.secrets</c> (issue 21): a group's keys in one array (key, version, ...)
/// with the fqn and remoteRef prefix every key shares, instead of a list of objects; about a third of the memory.
/// Read-only (<see cref="CompactList{T}"/>); a status to write is a copy (<c>CopyOfStatus</c>).
/// </summary>
public sealed class CompactKeyStatuses : CompactList<SecretKeyStatus>
{
    private const int Slots = 2;

    private readonly string fqnPrefix;
    private readonly string remoteRefPrefix;

    // Key and version of each key, in order.
    private readonly string?[] items;

    // pinned and absent of each key, two bits each (0 unset, 1 false, 2 true); null when all are unset.
    private readonly byte[]? flags;

    private CompactKeyStatuses(string fqnPrefix, string remoteRefPrefix, string?[] items, byte[]? flags)
    {
        this.fqnPrefix = fqnPrefix;
        this.remoteRefPrefix = remoteRefPrefix;
        this.items = items;
        this.flags = flags;
    }

    public override int Count => items.Length / Slots;

    /// <summary>
    /// The compact form of <paramref name="keys"/> when every key's fqn and remoteRef are one shared prefix (as
    /// <paramref name="share"/> returns it) followed by its name and no key came from dataFrom; else <paramref name="keys"/> itself.
    /// </summary>
    public static IList<SecretKeyStatus> From(IList<SecretKeyStatus> keys, Func<string, string> share)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(share);
        if (keys.Count == 0 || keys is CompactKeyStatuses)
        {
            return keys;
        }

        var fqn = PrefixOf(keys[0].Fqn, keys[0].Key);
        var remoteRef = PrefixOf(keys[0].RemoteRef, keys[0].Key);
        if (fqn is null || remoteRef is null)
        {
            return keys;
        }

        var items = new string?[Slots * keys.Count];
        byte[]? flags = null;
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (key.From is not null || string.IsNullOrEmpty(key.Key) || !IsPrefixed(key.Fqn, fqn, key.Key) || !IsPrefixed(key.RemoteRef, remoteRef, key.Key))
            {
                return keys;
            }

            items[Slots * i] = key.Key;
            items[(Slots * i) + 1] = key.Version;
            var bits = (byte)(Bits(key.Pinned) | (Bits(key.Absent) << 2));
            if (bits != 0)
            {
                flags ??= new byte[keys.Count];
                flags[i] = bits;
            }
        }

        return new CompactKeyStatuses(share(fqn), share(remoteRef), items, flags);
    }

    protected override SecretKeyStatus Read(int index)
    {
        var bits = flags?[index] ?? 0;
        return SecretKeyStatus.WithPrefixes(items[Slots * index]!, fqnPrefix, remoteRefPrefix, items[(Slots * index) + 1], Flag(bits), Flag(bits >> 2));
    }

    private static string? PrefixOf(string? whole, string key) =>
        !string.IsNullOrEmpty(key) && whole is not null && whole.Length > key.Length && whole.EndsWith(key, StringComparison.Ordinal) ? whole[..^key.Length] : null;

    private static bool IsPrefixed(string? whole, string prefix, string key) =>
        whole is not null && whole.Length == prefix.Length + key.Length && whole.StartsWith(prefix, StringComparison.Ordinal) && whole.EndsWith(key, StringComparison.Ordinal);

    private static byte Bits(bool? value) => value switch { null => 0, false => 1, true => 2 };

    private static bool? Flag(int bits) => (bits & 3) switch { 0 => null, 1 => false, _ => true };
}
