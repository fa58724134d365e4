namespace Operator.References;

/// <summary>Where the operator pod's own Secret (Helm value <c>tfyK8sSecretName</c>) is mounted.</summary>
public sealed record K8sSecretResolverOptions
{
    public const string DefaultMountPath = "/opt/truefoundry/tfy-k8s-secrets";

    public string MountPath { get; set; } = DefaultMountPath;
}
