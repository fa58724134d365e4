namespace Operator.Entities.V1Alpha1;

/// <summary>
/// The SecretGroup cache's form of <c>status.secrets</c> (issue 21): a group's key names (the spec's own array when they
/// are the spec's keys) and versions in arrays, and the fqn and remoteRef prefix every key shares, each kept as the
/// group's own string (its name, its FQN) between two parts groups repeat (<c>tfy-secret://</c>, the integration and
/// store path), instead of a list of objects. Read-only (<see cref="CompactList{T}"/>); a status to write is a copy
/// (<c>CopyOfStatus</c>).
/// </summary>
public sealed class CompactKeyStatuses : CompactList<SecretKeyStatus>
{
    private readonly Prefix fqn;
    private readonly Prefix remoteRef;
    private readonly string[] keys;
    private readonly string?[] versions;

    // pinned and absent of each key, two bits each (0 unset, 1 false, 2 true); null when all are unset.
    private readonly byte[]? flags;

    private CompactKeyStatuses(Prefix fqn, Prefix remoteRef, string[] keys, string?[] versions, byte[]? flags)
    {
        this.fqn = fqn;
        this.remoteRef = remoteRef;
        this.keys = keys;
        this.versions = versions;
        this.flags = flags;
    }

    public override int Count => keys.Length;

    /// <summary>
    /// The compact form of <paramref name="statuses"/> when every key's fqn and remoteRef are one prefix followed by its
    /// name and no key came from dataFrom; else <paramref name="statuses"/> itself. A prefix is kept as the last of
    /// <paramref name="own"/> it contains (strings the group holds anyway) between two parts <paramref name="share"/>
    /// returns (shared across groups); <paramref name="specKeys"/>, when equal to the key names, is kept as they are.
    /// </summary>
    public static IList<SecretKeyStatus> From(IList<SecretKeyStatus> statuses, Func<string, string> share, IReadOnlyList<string?> own, string[]? specKeys = null)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(own);
        if (statuses.Count == 0 || statuses is CompactKeyStatuses)
        {
            return statuses;
        }

        var fqn = PrefixOf(statuses[0].Fqn, statuses[0].Key);
        var remoteRef = PrefixOf(statuses[0].RemoteRef, statuses[0].Key);
        if (fqn is null || remoteRef is null)
        {
            return statuses;
        }

        var shared = specKeys?.Length == statuses.Count && statuses.Select((s, i) => string.Equals(s.Key, specKeys[i], StringComparison.Ordinal)).All(same => same);
        var keys = shared ? specKeys! : new string[statuses.Count];
        var versions = new string?[statuses.Count];
        byte[]? flags = null;
        for (var i = 0; i < statuses.Count; i++)
        {
            var key = statuses[i];
            if (key.From is not null || string.IsNullOrEmpty(key.Key) || !IsPrefixed(key.Fqn, fqn, key.Key) || !IsPrefixed(key.RemoteRef, remoteRef, key.Key))
            {
                return statuses;
            }

            keys[i] = shared ? keys[i] : key.Key;
            versions[i] = key.Version;
            var bits = (byte)(Bits(key.Pinned) | (Bits(key.Absent) << 2));
            if (bits != 0)
            {
                flags ??= new byte[statuses.Count];
                flags[i] = bits;
            }
        }

        return new CompactKeyStatuses(Prefix.Of(fqn, own, share), Prefix.Of(remoteRef, own, share), keys, versions, flags);
    }

    protected override SecretKeyStatus Read(int index)
    {
        var bits = flags?[index] ?? 0;
        return SecretKeyStatus.WithPrefixes(keys[index], fqn.ToString(), remoteRef.ToString(), versions[index], Flag(bits), Flag(bits >> 2));
    }

    private static string? PrefixOf(string? whole, string key) =>
        !string.IsNullOrEmpty(key) && whole is not null && whole.Length > key.Length && whole.EndsWith(key, StringComparison.Ordinal) ? whole[..^key.Length] : null;

    private static bool IsPrefixed(string? whole, string prefix, string key) =>
        whole is not null && whole.Length == prefix.Length + key.Length && whole.StartsWith(prefix, StringComparison.Ordinal) && whole.EndsWith(key, StringComparison.Ordinal);

    private static byte Bits(bool? value) => value switch { null => 0, false => 1, true => 2 };

    private static bool? Flag(int bits) => (bits & 3) switch { 0 => null, 1 => false, _ => true };

    /// <summary>A prefix as Head + Own + Tail: Own one of the group's strings, Head and Tail shared.</summary>
    private readonly record struct Prefix(string Head, string Own, string Tail)
    {
        public static Prefix Of(string prefix, IReadOnlyList<string?> own, Func<string, string> share)
        {
            foreach (var candidate in own)
            {
                var at = string.IsNullOrEmpty(candidate) ? -1 : prefix.LastIndexOf(candidate, StringComparison.Ordinal);
                if (at >= 0)
                {
                    return new(share(prefix[..at]), candidate!, share(prefix[(at + candidate!.Length)..]));
                }
            }

            return new(prefix, "", "");
        }

        public override string ToString() => string.Concat(Head, Own, Tail);
    }
}
