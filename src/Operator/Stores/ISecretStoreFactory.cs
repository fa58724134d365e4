using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.Stores;

/// <summary>Creates store clients for one provider; one implementation per folder under Stores/, registered by one line.</summary>
public interface ISecretStoreFactory
{
    /// <summary>The spec block this factory serves (<see cref="StoreProvider.Of"/>), and so its provider segment.</summary>
    StoreProvider Provider { get; }

    /// <summary>Spec fields (relative to <c>spec</c>) that hold references to credentials, with their values.</summary>
    IEnumerable<(string Field, string Reference)> CredentialReferences(SecretStoreIntegrationSpec spec);

    /// <summary>Checks the provider block; returns errors naming the field, empty when valid.</summary>
    IEnumerable<string> Validate(SecretStoreIntegrationSpec spec);

    /// <summary>The spec fields whose endpoint is plain http to another host (allowed only with <c>spec.insecure</c>).</summary>
    IEnumerable<string> PlainHttpEndpoints(SecretStoreIntegrationSpec spec) => [];

    ISecretStore Create(StoreContext context);
}
