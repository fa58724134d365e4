namespace Operator.References;

/// <summary>Form 3: a key of the Kubernetes Secret mounted into the operator pod.</summary>
public sealed record K8sSecretReference(string Key) : SecretReference
{
    public override ReferenceForms Form => ReferenceForms.K8sSecret;

    public override string ToString() => $"{ReferenceParser.K8sSecretScheme}{Key}";
}
