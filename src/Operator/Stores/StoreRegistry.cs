using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.Stores;

/// <summary>The registered store factories, looked up by provider.</summary>
public sealed class StoreRegistry(IEnumerable<ISecretStoreFactory> factories)
{
    private readonly Dictionary<Provider, ISecretStoreFactory> byProvider = factories.ToDictionary(f => f.Provider);

    public bool TryGet(Provider provider, out ISecretStoreFactory factory) => byProvider.TryGetValue(provider, out factory!);

    /// <summary>The providers whose block is set in the spec (exactly one when the spec is valid).</summary>
    public static IReadOnlyList<Provider> ProvidersIn(SecretStoreIntegrationSpec spec)
    {
        var set = new List<Provider>(1);
        if (spec.Aws is not null)
        {
            set.Add(Provider.Aws);
        }

        if (spec.Gcp is not null)
        {
            set.Add(Provider.Gcp);
        }

        if (spec.Azure is not null)
        {
            set.Add(Provider.Azure);
        }

        if (spec.Hashicorp is not null)
        {
            set.Add(Provider.Hashicorp);
        }

        if (spec.Kubernetes is not null)
        {
            set.Add(Provider.Kubernetes);
        }

        return set;
    }
}

/// <summary>One registration line per store.</summary>
public static class StoreServiceCollectionExtensions
{
    public static IServiceCollection AddSecretStore<TFactory>(this IServiceCollection services)
        where TFactory : class, ISecretStoreFactory
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISecretStoreFactory, TFactory>());
        services.TryAddSingleton<StoreRegistry>();
        return services;
    }
}
