using System.Collections.Concurrent;
using Operator.Entities.V1Alpha1;
using Operator.Observability;
using Operator.References;

namespace Operator.Stores;

/// <summary>
/// Hands out the store client of an integration: credentials are resolved again whenever their version changes
/// (<see cref="ICredentialSource.VersionOf"/>: a rotated mounted Secret, a referenced group's new data, a store path due
/// for its re-read) or the integration's generation does, and the client is rebuilt (the old one disposed) only when the
/// resolved values differ, so a rotation reaches every group without editing the integration or restarting.
/// </summary>
public sealed class StoreConnector(StoreRegistry registry, StoreClientCache clients, ICredentialSource credentials, IntegrationDirectory directory, SharedReads shared, OperatorMetrics metrics, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string Stamp, ISecretStore Store)> resolved = new(StringComparer.Ordinal);

    /// <summary>Connects to the integration's store; throws <see cref="ConditionException"/> (credentials) or <see cref="SecretStoreException"/>.</summary>
    public async Task<ISecretStore> ConnectAsync(SecretStoreIntegration integration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(integration);
        var fqn = directory.FqnOf(integration)
            ?? throw new SecretStoreException(StoreErrorKind.Misconfigured, $"integration '{integration.Metadata.Name}' has an invalid spec");
        if (!registry.TryGet(fqn.Provider, out var factory))
        {
            throw new SecretStoreException(StoreErrorKind.Misconfigured, $"provider '{fqn.Provider.ToSegment()}' is not built into this operator version");
        }

        // Keyed by name (cluster-scoped, unique); the uid in the stamp tells a re-created integration apart.
        var name = integration.Metadata.Name;
        var version = $"{integration.Metadata.Uid}|{integration.Metadata.Generation}";
        var references = factory.CredentialReferences(integration.Spec).ToList();
        var stamp = $"{version}|{credentials.VersionOf(references.Select(r => r.Reference))}";
        if (resolved.TryGetValue(name, out var hit) && hit.Stamp == stamp)
        {
            return hit.Store;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, reference) in references)
        {
            values[field] = await credentials.ResolveAsync(reference, field, fqn, cancellationToken).ConfigureAwait(false);
        }

        var store = await clients.GetOrCreateAsync(name, version, values, () => new InstrumentedSecretStore(factory.Create(NewContext(integration, fqn, values)), fqn.Provider, metrics, name)).ConfigureAwait(false);
        resolved[name] = (stamp, store);
        if (hit.Store is { } previous && !ReferenceEquals(previous, store))
        {
            // A new generation or credentials: what the old client read is nobody's any more.
            shared.Forget(previous);
        }

        return store;
    }

    private StoreContext NewContext(SecretStoreIntegration integration, IntegrationFqn fqn, IReadOnlyDictionary<string, string> values)
    {
        var (qps, burst) = TokenBucket.Defaults;
        var limit = integration.Spec.RateLimit;
        var bucket = new TokenBucket(limit?.Qps ?? qps, limit?.Burst ?? burst, time);
        return new StoreContext(integration, fqn, values, bucket, StoreRetry.From(integration.Spec.Retry, time), time);
    }

    /// <summary>Forgets and disposes the client of a deleted integration.</summary>
    public async Task ForgetAsync(string integrationName)
    {
        resolved.TryRemove(integrationName, out _);
        if (clients.TryGet(integrationName) is { } client)
        {
            shared.Forget(client);
        }

        await clients.RemoveAsync(integrationName).ConfigureAwait(false);
    }
}
