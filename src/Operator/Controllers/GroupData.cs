using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>
/// What the read step produced: where each key came from and its value (by store path or alias reference). A source
/// without a value is absent from the store and left out of the Secret (target.deletionPolicy Delete).
/// </summary>
public sealed record GroupData(IReadOnlyList<KeySource> Sources, IReadOnlyDictionary<string, StoreValue> Values)
{
    /// <summary>The managed Secret's data: key → value bytes.</summary>
    public IReadOnlyDictionary<string, byte[]> SecretData() =>
        Sources.Where(s => !IsAbsent(s)).ToDictionary(s => s.Key, s => Values[ValueKey(s)].Value.ToArray(), StringComparer.Ordinal);

    /// <summary>How many keys the Secret gets (absent ones left out).</summary>
    public int PresentCount => Sources.Count(s => !IsAbsent(s));

    /// <summary>The per-key status of <paramref name="group"/>: FQN, where it was read and the store's version, or that it is absent.</summary>
    public List<SecretKeyStatus> KeyStatus(GroupFqn group) => Sources.Select(s => new SecretKeyStatus
    {
        Key = s.Key,
        Fqn = new SecretFqn(group.Tenant, group.Group, s.Key).ToString(),
        RemoteRef = s.RemoteRef,
        Version = Values.TryGetValue(ValueKey(s), out var value) ? value.Version : null,
        Absent = IsAbsent(s) ? true : null,
    }).ToList();

    private bool IsAbsent(KeySource source) => !Values.ContainsKey(ValueKey(source));

    /// <summary>Where a source's value is kept in <see cref="Values"/>: its alias reference, else its store path.</summary>
    public static string ValueKey(KeySource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Alias?.ToString() ?? source.Path;
    }
}
