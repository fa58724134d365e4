using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>
/// What the read step produced: where each key came from and its value (by store path or alias reference). A source
/// without a value is absent from the store and left out of the Secret (target.deletionPolicy Delete). Keys from
/// spec.dataFrom (<see cref="Derived"/>, in spec order) yield to spec.secrets, and an earlier entry to a later one.
/// </summary>
public sealed record GroupData(IReadOnlyList<KeySource> Sources, IReadOnlyDictionary<string, StoreValue> Values, IReadOnlyList<DerivedKey>? Derived = null)
{
    /// <summary>The managed Secret's data: key → value bytes.</summary>
    public IReadOnlyDictionary<string, byte[]> SecretData()
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var derived in Derived ?? [])
        {
            data[derived.Key] = derived.Value.ToArray();
        }

        foreach (var source in Sources.Where(s => !IsAbsent(s)))
        {
            data[source.Key] = Values[ValueKey(source)].Value.ToArray();
        }

        return data;
    }

    /// <summary>How many keys the Secret gets (absent ones left out).</summary>
    public int PresentCount => Sources.Where(s => !IsAbsent(s)).Select(s => s.Key).Union(Winners().Select(d => d.Key), StringComparer.Ordinal).Count();

    /// <summary>Keys that more than one source yields, with the source that wins (see the type's summary for the rule).</summary>
    public IReadOnlyList<ShadowedKey> Shadowed()
    {
        var shadowed = new List<ShadowedKey>();
        var explicitKeys = Sources.Where(s => !IsAbsent(s)).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var derived = Derived ?? [];
        for (var i = 0; i < derived.Count; i++)
        {
            var key = derived[i].Key;
            var later = derived.Skip(i + 1).LastOrDefault(d => d.Key == key);
            if (explicitKeys.Contains(key))
            {
                shadowed.Add(new ShadowedKey(key, derived[i].Field, "spec.secrets"));
            }
            else if (later is not null)
            {
                shadowed.Add(new ShadowedKey(key, derived[i].Field, later.Field));
            }
        }

        return shadowed;
    }

    /// <summary>The per-key status of <paramref name="group"/>: FQN, where it was read and the store's version, or that it is absent.</summary>
    public List<SecretKeyStatus> KeyStatus(GroupFqn group)
    {
        var keys = Sources.Select(s => new SecretKeyStatus
        {
            Key = s.Key,
            Fqn = new SecretFqn(group.Tenant, group.Group, s.Key).ToString(),
            RemoteRef = s.RemoteRef,
            Version = Values.TryGetValue(ValueKey(s), out var value) ? value.Version : null,
            Pinned = s.Version is null ? null : true,
            Absent = IsAbsent(s) ? true : null,
        }).ToList();
        var listed = keys.Select(k => k.Key).ToHashSet(StringComparer.Ordinal);
        keys.AddRange(Winners().Where(d => !listed.Contains(d.Key)).Select(d => new SecretKeyStatus
        {
            Key = d.Key,
            Fqn = new SecretFqn(group.Tenant, group.Group, d.Key).ToString(),
            RemoteRef = d.RemoteRef,
            Version = d.Version,
            From = d.Field,
        }));
        return keys;
    }

    /// <summary>The derived keys whose value is synced: the last of each name.</summary>
    private IEnumerable<DerivedKey> Winners() =>
        (Derived ?? []).GroupBy(d => d.Key, StringComparer.Ordinal).Select(g => g.Last());

    private bool IsAbsent(KeySource source) => !Values.ContainsKey(ValueKey(source));

    /// <summary>Where a source's value is kept in <see cref="Values"/>: its alias reference, else its store path (and pinned version).</summary>
    public static string ValueKey(KeySource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Alias?.ToString() ?? (source.Version is null ? source.Path : $"{source.Path}\0version={source.Version}");
    }
}
