using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Operator.Webhooks;
using Operator.Workloads;

namespace Operator.Hosting;

/// <summary>Registration of the workload features: the rollout controllers of the three workload kinds, and the Pod webhook when <c>--webhook-enabled</c>.</summary>
public static class WorkloadServiceCollectionExtensions
{
    public static IServiceCollection AddWorkloadIntegration(this IServiceCollection services, bool webhookEnabled)
    {
        services.AddRollouts<V1Deployment>();
        services.AddRollouts<V1StatefulSet>();
        services.AddRollouts<V1DaemonSet>();
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
