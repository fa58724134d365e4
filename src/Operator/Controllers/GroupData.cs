using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>What the read step produced: where each key came from and its value (by store path or alias reference).</summary>
public sealed record GroupData(IReadOnlyList<KeySource> Sources, IReadOnlyDictionary<string, StoreValue> Values)
{
    /// <summary>The managed Secret's data: key → value bytes.</summary>
    public IReadOnlyDictionary<string, byte[]> SecretData() =>
        Sources.ToDictionary(s => s.Key, s => ValueOf(s).Value.ToArray(), StringComparer.Ordinal);

    /// <summary>The per-key status of <paramref name="group"/>: FQN, where it was read and the store's version.</summary>
    public List<SecretKeyStatus> KeyStatus(GroupFqn group) => Sources.Select(s => new SecretKeyStatus
    {
        Key = s.Key,
        Fqn = new SecretFqn(group.Tenant, group.Group, s.Key).ToString(),
        RemoteRef = s.RemoteRef,
        Version = ValueOf(s).Version,
    }).ToList();

    /// <summary>Where a source's value is kept in <see cref="Values"/>: its alias reference, else its store path.</summary>
    public static string ValueKey(KeySource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Alias?.ToString() ?? source.Path;
    }

    private StoreValue ValueOf(KeySource source) => Values[ValueKey(source)];
}
