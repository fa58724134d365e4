using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Operator.Stores.Aws;
using Operator.Stores.Azure;
using Operator.Stores.Gcp;
using Operator.Stores.Hashicorp;
using Operator.Stores.Kubernetes;

namespace Operator.Stores;

/// <summary>The stores built into this operator: one registration line each.</summary>
public static class StoreServiceCollectionExtensions
{
    public static IServiceCollection AddSecretStores(this IServiceCollection services) => services
        .AddSecretStore<AwsStoreFactory>()
        .AddSecretStore<GcpStoreFactory>()
        .AddSecretStore<AzureStoreFactory>()
        .AddSecretStore<HashicorpStoreFactory>()
        .AddSecretStore<KubernetesStoreFactory>();

    public static IServiceCollection AddSecretStore<TFactory>(this IServiceCollection services)
        where TFactory : class, ISecretStoreFactory
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISecretStoreFactory, TFactory>());
        services.TryAddSingleton<StoreRegistry>();
        return services;
    }
}
