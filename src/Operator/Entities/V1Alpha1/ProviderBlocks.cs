using System.Reflection;
using System.Text.Json.Serialization;
using Operator.Entities.Schema;

namespace Operator.Entities.V1Alpha1;

/// <summary>
/// The store blocks of <see cref="SecretStoreIntegrationSpec"/> (its <see cref="ProviderBlockAttribute"/> properties, in
/// declaration order): the one list of providers. The FQN grammar, the CRD's exactly-one-of rule and FQN pattern and
/// every message that lists providers read it; each store factory binds to its block (<c>StoreProvider.Of</c>).
/// </summary>
public static class ProviderBlocks
{
    private static readonly (string Name, PropertyInfo Property)[] Blocks =
    [
        .. typeof(SecretStoreIntegrationSpec).GetProperties()
            .Where(p => p.GetCustomAttribute<ProviderBlockAttribute>() is not null)
            // Declaration order; a Native AOT build keeps no metadata tokens, and its GetProperties lists them in that order.
            .OrderBy(p => p.HasMetadataToken() ? p.MetadataToken : 0)
            .Select(p => (p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? throw new InvalidOperationException($"{p.Name}: a [ProviderBlock] needs [JsonPropertyName]"), p)),
    ];

    /// <summary>The blocks' JSON names, which are the providers' FQN segments (<c>aws</c>, <c>gcp</c>, ...).</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Blocks.Select(b => b.Name)];

    /// <summary>The names of the blocks set in <paramref name="spec"/> (exactly one when the spec is valid).</summary>
    public static IReadOnlyList<string> SetIn(SecretStoreIntegrationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return [.. Blocks.Where(b => b.Property.GetValue(spec) is not null).Select(b => b.Name)];
    }

    /// <summary>The block property named <paramref name="name"/> (its JSON name), or null.</summary>
    public static PropertyInfo? Property(string name) => Blocks.FirstOrDefault(b => b.Name == name).Property;

    /// <summary>The message for a spec that does not set exactly one block.</summary>
    public static string ExactlyOneProblem(int found) => $"spec: exactly one of {string.Join(", ", Names)} must be set, found {found}";
}
