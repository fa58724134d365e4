using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Operator.Controllers;

namespace Operator.RestApi;

/// <summary>Registers the Secret Management REST API; it only listens when <c>ApiEnabled</c>.</summary>
public static class ApiServiceCollectionExtensions
{
    public static IServiceCollection AddSecretGroupApi(this IServiceCollection services)
    {
        services.TryAddSingleton<AuthenticationCache>();
        services.TryAddSingleton<CallerRateLimiter>();
        services.TryAddSingleton<ApiAuthenticator>();
        services.TryAddSingleton<GroupStoreAccess>();
        services.TryAddSingleton<GroupWrites>();
        services.TryAddSingleton<RecentGroupWrites>();
        services.TryAddSingleton<GroupValueWriter>();
        services.TryAddSingleton<SecretGroupService>();
        services.TryAddSingleton<SecretService>();
        services.TryAddSingleton<SecretApiServer>();
        services.AddHostedService(sp => sp.GetRequiredService<SecretApiServer>());
        return services;
    }
}
