using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Workloads;

/// <summary>The rollout controllers' declared watch: a group's data changed → the workloads of its namespace that reload it.</summary>
public static class RolloutTriggers
{
    /// <summary>Index of the workload caches: <c>&lt;namespace&gt;/&lt;group&gt;</c> for every group a workload reloads.</summary>
    public const string ReloadIndex = "reloads";

    public static IEnumerable<string> ReloadKeys(IKubernetesObject<V1ObjectMeta> workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return ReloadAnnotations.GroupsOf(workload).Select(g => $"{workload.Metadata.NamespaceProperty}/{g}");
    }

    /// <summary>Only a change of a group's data hash, or of when its data last changed, can make a workload due.</summary>
    public static WatchPredicate<SecretGroup> DataChanged { get; } = new()
    {
        Added = _ => false,
        Updated = (old, current) => old.Status?.DataHash != current.Status?.DataHash || old.Status?.DataChangeTime != current.Status?.DataChangeTime,
        Deleted = _ => false,
    };

    /// <summary>The <typeparamref name="TWorkload"/>s that reload the group.</summary>
    public static Func<SecretGroup, IEnumerable<ObjectKey>> WorkloadsReloading<TWorkload>(IServiceProvider services)
        where TWorkload : class, IKubernetesObject<V1ObjectMeta>
    {
        var workloads = services.GetRequiredService<IResourceCache<TWorkload>>();
        return group => workloads.ByIndex(ReloadIndex, $"{group.Metadata.NamespaceProperty}/{group.Metadata.Name}").Select(ObjectKey.From);
    }

    /// <summary>Registers the rollout controller of one workload kind: a slim cache, the reload index and the group watch.</summary>
    public static IServiceCollection AddRollouts<TWorkload>(this IServiceCollection services)
        where TWorkload : class, IKubernetesObject<V1ObjectMeta>
    {
        services.TryAddSingleton<RolloutMetrics>();
        services.AddInformerTransform<TWorkload>(PodTemplates.Slim);
        services.AddInformerIndex<TWorkload>(ReloadIndex, w => ReloadKeys(w));
        services.AddController<TWorkload, RolloutReconciler<TWorkload>>(o => o.Workers = 1)
            .Watches<SecretGroup>(WorkloadsReloading<TWorkload>, DataChanged);
        return services;
    }
}
