using Microsoft.Extensions.Options;
using Operator.Entities.V1Alpha1;
using Operator.Observability;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>
/// The pipeline's read step: plans the keys, checks the integration's path rule, reads the store in batches and resolves
/// aliases. Every problem is a <see cref="ConditionException"/>; nothing is written here.
/// </summary>
public sealed class GroupReader(StoreConnector connector, SharedReads shared, AliasResolver aliases, IOptions<TenancyOptions> options, OperatorMetrics metrics)
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

        var dataFrom = DataFromPlan.Build(group, resolved.Fqn, store, tenant);
        var extracts = dataFrom.Where(d => d.Extract is not null).ToList();
        if (AccessRules.CheckPaths(resolved.Integration, sources.Concat(extracts.Select(e => e.Extract!)), store, new GroupFqn(tenant, group.Metadata.Name)) is { } pathDenied)
        {
            throw new ConditionException("AccessDenied", pathDenied, retry: false);
        }

        // Values other groups' syncs read within the window are shared (authorised above); a force-sync reads them all again.
        var fresh = IsForced(group, resolved);
        var values = new Dictionary<string, StoreValue>(StringComparer.Ordinal);
        using var calls = StoreCallScope.Begin(group.Metadata.NamespaceProperty);
        try
        {
            // One batched read for spec.secrets and the values dataFrom extracts.
            var stored = sources.Where(s => s.Alias is null).Concat(extracts.Select(e => e.Extract!)).ToList();
            var paths = stored.Where(s => s.Version is null).Select(s => s.Path);
            foreach (var (path, value) in await shared.ReadManyAsync(store, paths, resolved.Interval, fresh, cancellationToken).ConfigureAwait(false))
            {
                values[path] = value;
            }

            // A pinned version is one read of its own (the stores' batch calls read current values).
            foreach (var pinned in stored.Where(s => s.Version is not null).DistinctBy(GroupData.ValueKey))
            {
                if (await shared.ReadVersionAsync(store, pinned.Path, pinned.Version!, resolved.Interval, fresh, cancellationToken).ConfigureAwait(false) is { } value)
                {
                    values[GroupData.ValueKey(pinned)] = value;
                }
            }
        }
        catch (SecretStoreException e)
        {
            throw new ConditionException(e.Reason, $"reading from '{resolved.Fqn}' failed: {e.Message}; the managed Secret is unchanged", retry: true, e);
        }
        finally
        {
            metrics.RecordCallsPerSync(resolved.Integration.Metadata.Name, calls.Calls);
        }

        foreach (var (reference, value) in await aliases.ResolveAsync(group, sources.Where(s => s.Alias is not null), cancellationToken).ConfigureAwait(false))
        {
            values[reference] = value;
        }

        // deletionPolicy Delete: a key the store no longer has is left out of the Secret (aliases resolve or fail above).
        string Where(KeySource s) => VersionPins.Format(s.Integration.Provider, s.Path, s.Version);
        var missing = sources.Where(s => !values.ContainsKey(GroupData.ValueKey(s))).Select(m => $"{m.Key} ({Where(m)})")
            .Concat(extracts.Where(e => !values.ContainsKey(GroupData.ValueKey(e.Extract!))).Select(e => $"{e.Field} ({Where(e.Extract!)})")).ToList();
        if (missing.Count > 0 && group.Spec.Target?.DeletesVanishedKeys != true)
        {
            var list = string.Join(", ", missing.Take(10));
            throw new ConditionException("SecretNotFound", $"not found in '{resolved.Fqn}': {list}{(missing.Count > 10 ? $" and {missing.Count - 10} more" : "")}; the managed Secret is unchanged", retry: true);
        }

        var derived = new List<DerivedKey>();
        foreach (var entry in dataFrom)
        {
            if (entry.Extract is { } extract && values.TryGetValue(GroupData.ValueKey(extract), out var whole))
            {
                derived.AddRange(Expand(entry, whole));
            }
            else if (entry.Find is not null)
            {
                derived.AddRange(await DataFromFind.ReadAsync(entry, store, resolved.Integration, resolved.Fqn, new GroupFqn(tenant, group.Metadata.Name), cancellationToken).ConfigureAwait(false));
            }
        }

        return new GroupData(sources, values, derived);
    }

    /// <summary>
    /// A sync the group itself asked for reads past the shared reads: its first (a new or re-created group), a new
    /// force-sync annotation (or the REST API's stamp of a value write), an edit of its spec. A refresh, a retry, or a wave
    /// from an integration or an alias shares.
    /// </summary>
    private static bool IsForced(SecretGroup group, ResolvedGroup resolved)
    {
        var synced = group.Status?.SyncedInputs;
        return synced is null
            || synced.Generation != resolved.Inputs.Generation
            || (resolved.Inputs.Annotations.Length > 0 && synced.Annotations != resolved.Inputs.Annotations);
    }

    /// <summary>An extracted JSON object's properties as keys, each named through the entry's rewrites.</summary>
    private static IEnumerable<DerivedKey> Expand(DataFromSource entry, StoreValue whole)
    {
        var remoteRef = entry.Extract!.RemoteRef;
        var properties = JsonExtract.Expand(whole.Value, entry.Field, remoteRef);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in properties)
        {
            var key = entry.KeyFor(name);
            if (!keys.TryAdd(key, name))
            {
                throw new ConditionException("InvalidKeyName", $"spec.dataFrom[{entry.Index}].rewrite: properties {Echo.Quote(keys[key])} and {Echo.Quote(name)} of {Echo.Quote(remoteRef)} both become key {Echo.Quote(key)}; the managed Secret is unchanged", retry: true);
            }

            yield return new DerivedKey(key, entry.Field, remoteRef, value, whole.Version);
        }
    }
}
