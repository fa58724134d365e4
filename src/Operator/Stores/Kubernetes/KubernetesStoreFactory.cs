using k8s;
using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.Stores.Kubernetes;

/// <summary>Creates the built-in store; it reuses the operator's own API client, so it has no credentials.</summary>
public sealed class KubernetesStoreFactory(IKubernetes client) : ISecretStoreFactory
{
    public StoreProvider Provider { get; } = StoreProvider.Of(spec => spec.Kubernetes);

    public IEnumerable<(string Field, string Reference)> CredentialReferences(SecretStoreIntegrationSpec spec) => [];

    public IEnumerable<string> Validate(SecretStoreIntegrationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var ns = spec.Kubernetes?.SourceNamespace;
        if (string.IsNullOrEmpty(ns))
        {
            yield return "spec.kubernetes.sourceNamespace: required";
        }
        else if (!ReferenceParser.IsValidName(ns))
        {
            yield return $"spec.kubernetes.sourceNamespace: '{ns}' is not a valid namespace name";
        }
    }

    public ISecretStore Create(StoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new KubernetesStore(client, context.Integration.Spec.Kubernetes!.SourceNamespace, context.Retry);
    }
}
