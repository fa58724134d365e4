using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>The index on the caches of managed Secrets, Roles and RoleBindings: the UIDs of the groups owning them.</summary>
public static class OwnerIndex
{
    public const string Name = "owner-group-uid";

    public static IEnumerable<string> UidsOf(V1ObjectMeta meta) =>
        meta?.OwnerReferences?.Where(o => o.Kind == SecretGroup.KindName && !string.IsNullOrEmpty(o.Uid)).Select(o => o.Uid) ?? [];

    /// <summary>Registers the index on every cache of objects a group owns.</summary>
    public static IServiceCollection AddOwnerIndexes(this IServiceCollection services) => services
        .AddInformerIndex<V1Secret>(Name, s => UidsOf(s.Metadata))
        .AddInformerIndex<V1Role>(Name, r => UidsOf(r.Metadata))
        .AddInformerIndex<V1RoleBinding>(Name, b => UidsOf(b.Metadata));
}
