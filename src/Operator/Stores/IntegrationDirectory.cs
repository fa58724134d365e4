using Microsoft.Extensions.Options;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Runtime;

namespace Operator.Stores;

/// <summary>Finds integrations by FQN in the informer cache; the FQN is derived from the spec, never trusted from status.</summary>
public sealed class IntegrationDirectory(IResourceCache<SecretStoreIntegration> cache, IOptions<TenancyOptions> options)
{
    public string Tenant => options.Value.Tenant;

    /// <summary>The FQN this integration publishes, or null while its spec names no single provider or its name is not a label.</summary>
    public IntegrationFqn? FqnOf(SecretStoreIntegration integration)
    {
        ArgumentNullException.ThrowIfNull(integration);
        var providers = StoreRegistry.ProvidersIn(integration.Spec);
        var name = integration.Metadata.Name;
        if (providers.Count != 1 || name is null || !ReferenceParser.IsValidName(name) || !ReferenceParser.IsValidName(integration.Spec.ProviderAccount))
        {
            return null;
        }

        return new IntegrationFqn(Tenant, providers[0], integration.Spec.ProviderAccount, name);
    }

    public SecretStoreIntegration? Find(IntegrationFqn fqn)
    {
        ArgumentNullException.ThrowIfNull(fqn);

        // The FQN's last segment is the object name, so one cache hit decides; the rest must match too.
        var candidate = cache.Get(new ObjectKey(null, fqn.Name));
        return candidate is not null && FqnOf(candidate) == fqn ? candidate : null;
    }
}
