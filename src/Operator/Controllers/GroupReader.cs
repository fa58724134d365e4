using Microsoft.Extensions.Options;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>
/// The pipeline's read step: plans the keys, checks the integration's path rule, reads the store in batches and resolves
/// aliases. Every problem is a <see cref="ConditionException"/>; nothing is written here.
/// </summary>
public sealed class GroupReader(StoreConnector connector, AliasResolver aliases, IOptions<TenancyOptions> options)
{
    public async Task<GroupData> ReadAsync(SecretGroup group, ResolvedGroup resolved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(resolved);
        var tenant = options.Value.Tenant;
        var store = await connector.ConnectAsync(resolved.Integration, cancellationToken).ConfigureAwait(false);
        var (sources, planError) = GroupPlan.Build(group, resolved.Fqn, store, tenant);
        if (planError is not null)
        {
            throw new ConditionException(planError.Reason, planError.Message, retry: false);
        }

        if (AccessRules.CheckPaths(resolved.Integration, sources, store, new GroupFqn(tenant, group.Metadata.Name)) is { } pathDenied)
        {
            throw new ConditionException("AccessDenied", pathDenied, retry: false);
        }

        var values = new Dictionary<string, StoreValue>(StringComparer.Ordinal);
        try
        {
            var paths = sources.Where(s => s.Alias is null).Select(s => s.Path).Distinct(StringComparer.Ordinal).ToList();
            foreach (var chunk in paths.Chunk(Math.Max(1, store.Capabilities.MaxBatchSize)))
            {
                foreach (var (path, value) in await store.ReadManyAsync(chunk, cancellationToken).ConfigureAwait(false))
                {
                    values[path] = value;
                }
            }
        }
        catch (SecretStoreException e)
        {
            throw new ConditionException(e.Reason, $"reading from '{resolved.Fqn}' failed: {e.Message}; the managed Secret is unchanged", retry: true, e);
        }

        foreach (var (reference, value) in await aliases.ResolveAsync(group, sources.Where(s => s.Alias is not null), cancellationToken).ConfigureAwait(false))
        {
            values[reference] = value;
        }

        // deletionPolicy Delete: a key the store no longer has is left out of the Secret (aliases resolve or fail above).
        var missing = sources.Where(s => !values.ContainsKey(GroupData.ValueKey(s))).ToList();
        if (missing.Count > 0 && group.Spec.Target?.DeletesVanishedKeys != true)
        {
            var list = string.Join(", ", missing.Take(10).Select(m => $"{m.Key} ({m.Path})"));
            throw new ConditionException("SecretNotFound", $"not found in '{resolved.Fqn}': {list}{(missing.Count > 10 ? $" and {missing.Count - 10} more" : "")}; the managed Secret is unchanged", retry: true);
        }

        return new GroupData(sources, values);
    }
}
