using Microsoft.Extensions.Options;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>
/// The one gate for store writes and deletes (values set through the REST API, keys it removes). It asks the resolve
/// step's rules, the same call a sync starts with (<see cref="GroupResolver.ResolveAsync"/>): the group holds the sticky
/// claim on its FQN, names a Ready integration of this tenant, and its namespace may use it. What it hands out can
/// touch only the group's own default locations.
/// </summary>
public sealed class GroupStoreAccess(GroupResolver resolver, StoreConnector connector, IOptions<TenancyOptions> options)
{
    /// <summary>The group's own locations in its store; a <see cref="ConditionException"/> names the rule that refuses.</summary>
    public async Task<GroupStoreLocations> OpenAsync(SecretGroup group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var resolved = await resolver.ResolveAsync(group, cancellationToken).ConfigureAwait(false);
        var store = await connector.ConnectAsync(resolved.Integration, cancellationToken).ConfigureAwait(false);
        if (!store.Capabilities.CanWrite)
        {
            throw new ConditionException("StoreReadOnly", $"the store of integration '{resolved.Fqn}' is read-only; values cannot be set through the API", retry: false);
        }

        return new GroupStoreLocations(store, resolved, new GroupFqn(options.Value.Tenant, group.Metadata.Name));
    }
}

/// <summary>Reads, writes and (only under <c>deletionPolicy: Delete</c>) deletes at a group's own default locations.</summary>
public sealed class GroupStoreLocations(ISecretStore store, ResolvedGroup resolved, GroupFqn group)
{
    public ResolvedGroup Resolved => resolved;

    /// <summary>Whether removing a key deletes its value (the integration's <c>spec.deletionPolicy</c> is Delete).</summary>
    public bool DeletesValues => DeletionPolicies.DeletesValues(resolved.Integration);

    public Task<StoreValue?> ReadAsync(string key, CancellationToken cancellationToken) => store.ReadAsync(PathOf(key), cancellationToken);

    /// <summary>Whether the store keeps earlier versions of a value (the built-in store keeps only the current one).</summary>
    public bool KeepsVersions => store.Capabilities.KeepsVersions;

    /// <summary>One version of the key's value as the store names it; null when the store does not keep it.</summary>
    public Task<StoreValue?> ReadVersionAsync(string key, string version, CancellationToken cancellationToken) => store.ReadVersionAsync(PathOf(key), version, cancellationToken);

    public Task<string?> WriteAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) => store.WriteAsync(PathOf(key), value, cancellationToken);

    /// <summary>Deletes the key's value; refused unless <see cref="DeletesValues"/>.</summary>
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (!DeletesValues)
        {
            throw new InvalidOperationException($"integration '{resolved.Fqn}' retains values (spec.deletionPolicy is not Delete)");
        }

        return store.DeleteAsync(PathOf(key), cancellationToken);
    }

    private string PathOf(string key) => ReferenceParser.IsValidSecretKey(key)
        ? store.DefaultPath(group, key)
        : throw new ArgumentException($"'{key}' is not a valid key", nameof(key));
}
