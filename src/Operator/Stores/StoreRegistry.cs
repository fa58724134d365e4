using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.Stores;

/// <summary>The registered store factories, looked up by provider; two factories for one block are refused.</summary>
public sealed class StoreRegistry
{
    private readonly Dictionary<Provider, ISecretStoreFactory> byProvider = [];

    public StoreRegistry(IEnumerable<ISecretStoreFactory> factories)
    {
        ArgumentNullException.ThrowIfNull(factories);
        foreach (var factory in factories)
        {
            if (!byProvider.TryAdd(factory.Provider.Id, factory))
            {
                throw new InvalidOperationException($"{factory.Provider.Field} is served by both {byProvider[factory.Provider.Id].GetType().Name} and {factory.GetType().Name}");
            }
        }
    }

    /// <summary>The providers with a registered factory, in spec order.</summary>
    public IReadOnlyList<Provider> Providers => [.. ProviderBlocks.Names.Select(n => new Provider(n)).Where(byProvider.ContainsKey)];

    public bool TryGet(Provider provider, out ISecretStoreFactory factory) => byProvider.TryGetValue(provider, out factory!);

    /// <summary>The providers whose block is set in the spec (exactly one when the spec is valid).</summary>
    public static IReadOnlyList<Provider> ProvidersIn(SecretStoreIntegrationSpec spec) => [.. ProviderBlocks.SetIn(spec).Select(n => new Provider(n))];
}
