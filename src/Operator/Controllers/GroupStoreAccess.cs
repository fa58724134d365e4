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
public sealed class GroupStoreAccess(GroupResolver resolver, StoreConnector connector, SharedReads shared, IOptions<TenancyOptions> options)
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

        return new GroupStoreLocations(store, shared, resolved, new GroupFqn(options.Value.Tenant, group.Metadata.Name));
    }
}
