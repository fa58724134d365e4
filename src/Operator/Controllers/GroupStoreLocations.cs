using Microsoft.Extensions.Options;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>
/// Reads, writes and (only under <c>deletionPolicy: Delete</c>) deletes at a group's own default locations. A write or
/// delete forgets the path's shared reads, so every group reading it next gets the new value.
/// </summary>
public sealed class GroupStoreLocations(ISecretStore store, SharedReads shared, ResolvedGroup resolved, GroupFqn group)
{
    public ResolvedGroup Resolved => resolved;

    /// <summary>Whether removing a key deletes its value (the integration's <c>spec.deletionPolicy</c> is Delete).</summary>
    public bool DeletesValues => DeletionPolicies.DeletesValues(resolved.Integration);

    public Task<StoreValue?> ReadAsync(string key, CancellationToken cancellationToken) => store.ReadAsync(PathOf(key), cancellationToken);

    /// <summary>Whether the store keeps earlier versions of a value (the built-in store keeps only the current one).</summary>
    public bool KeepsVersions => store.Capabilities.KeepsVersions;

    /// <summary>One version of the key's value as the store names it; null when the store does not keep it.</summary>
    public Task<StoreValue?> ReadVersionAsync(string key, string version, CancellationToken cancellationToken) => store.ReadVersionAsync(PathOf(key), version, cancellationToken);

    public async Task<string?> WriteAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        try
        {
            return await store.WriteAsync(path, value, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Also after a failure: the store may have taken the value before the error reached us.
            shared.Forget(store, path);
        }
    }

    /// <summary>Deletes the key's value; refused unless <see cref="DeletesValues"/>.</summary>
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (!DeletesValues)
        {
            throw new InvalidOperationException($"integration '{resolved.Fqn}' retains values (spec.deletionPolicy is not Delete)");
        }

        return DeleteAsync(PathOf(key));

        async Task DeleteAsync(string path)
        {
            try
            {
                await store.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                shared.Forget(store, path);
            }
        }
    }

    private string PathOf(string key) => ReferenceParser.IsValidSecretKey(key)
        ? store.DefaultPath(group, key)
        : throw new ArgumentException($"'{key}' is not a valid key", nameof(key));
}
