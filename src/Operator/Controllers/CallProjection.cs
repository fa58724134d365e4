using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>
/// The store calls an integration's groups are planned to make in a month (30 days), from their specs: each group's
/// batched reads per sync times its syncs per month. Planned rather than measured (the store-call counter) because the
/// plan is known before the first sync and follows an edit at once, where the counter only shows the bill afterwards.
/// </summary>
public static class CallProjection
{
    /// <summary>The month the projection covers: 30 days, so hourly refresh is 720 syncs.</summary>
    public static readonly TimeSpan Month = TimeSpan.FromDays(30);

    /// <summary>The sum over <paramref name="groups"/> that name <paramref name="fqn"/> of <see cref="MonthlyCalls"/>.</summary>
    public static long For(IEnumerable<SecretGroup> groups, SecretStoreIntegration integration, IntegrationFqn fqn, ISecretStore store, string tenant, TimeSpan fallback)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var text = fqn.ToString();
        return groups.Where(g => g.Spec.IntegrationFqn == text && g.Metadata.DeletionTimestamp is null)
            .Sum(g => MonthlyCalls(g, integration, fqn, store, tenant, fallback));
    }

    /// <summary>
    /// One group's calls in a <see cref="Month"/>: <see cref="CallsPerSync"/> times the syncs its refresh interval makes
    /// (jitter left out, so slightly high); 0 for OnChange, CreatedOnce, an interval of 0 or a spec the operator refuses.
    /// </summary>
    public static long MonthlyCalls(SecretGroup group, SecretStoreIntegration integration, IntegrationFqn fqn, ISecretStore store, string tenant, TimeSpan fallback)
    {
        var (interval, error) = RefreshBounds.For(group, integration, fallback);
        return error is not null || interval <= TimeSpan.Zero ? 0 : CallsPerSync(group, fqn, store, tenant) * (Month.Ticks / interval.Ticks);
    }

    /// <summary>
    /// The store calls one sync of <paramref name="group"/> makes, as GroupReader makes them: one batch call per
    /// <c>MaxBatchSize</c> current values (spec.secrets and dataFrom extracts together), one call per pinned version,
    /// one list call per dataFrom find (a longer listing pages more); aliases read no store. 0 for a spec it refuses.
    /// </summary>
    public static int CallsPerSync(SecretGroup group, IntegrationFqn fqn, ISecretStore store, string tenant)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(store);
        var (sources, error) = GroupPlan.Build(group, fqn, store, tenant);
        if (error is not null)
        {
            return 0;
        }

        var stored = sources.Where(s => s.Alias is null).ToList();
        var finds = 0;
        var entries = group.Spec.DataFrom ?? [];
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Find is not null)
            {
                finds++;
            }
            else if (entries[i].Extract is { } extract)
            {
                var (source, extractError) = GroupPlan.PlanKey(extract.Key, extract.RemoteRef, $"spec.dataFrom[{i}].extract", fqn, store, new GroupFqn(tenant, group.Metadata.Name), tenant);
                if (extractError is not null)
                {
                    return 0;
                }

                stored.Add(source!);
            }
        }

        var current = stored.Where(s => s.Version is null).Select(s => s.Path).Distinct(StringComparer.Ordinal).Count();
        var pinned = stored.Where(s => s.Version is not null).DistinctBy(GroupData.ValueKey).Count();
        var batch = Math.Max(1, store.Capabilities.MaxBatchSize);
        return ((current + batch - 1) / batch) + pinned + finds;
    }
}
