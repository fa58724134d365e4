using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Operator.Webhooks;
using Operator.Workloads;

namespace Operator.Hosting;

/// <summary>Registration of the workload features: the reload rollouts, and the Pod webhook when <c>--webhook-enabled</c>.</summary>
public static class WorkloadServiceCollectionExtensions
{
    public static IServiceCollection AddWorkloadIntegration(this IServiceCollection services, bool webhookEnabled)
    {
        services.TryAddSingleton<IRolloutTrigger, RolloutTrigger>();
        if (webhookEnabled)
        {
            services.TryAddSingleton<PodMutator>();
            services.TryAddSingleton<AdmissionReviewHandler>();
            services.TryAddSingleton<WebhookCertificates>();
            services.TryAddSingleton<WebhookServer>();
            services.AddHostedService(sp => sp.GetRequiredService<WebhookServer>());
        }

        return services;
    }
}
