namespace Operator.References;

/// <summary>The reference forms a field may accept.</summary>
[Flags]
public enum ReferenceForms
{
    None = 0,

    /// <summary><c>tfy-secret://&lt;tenant&gt;:&lt;group&gt;:&lt;key&gt;</c>.</summary>
    GroupKey = 1,

    /// <summary><c>&lt;integration-fqn&gt;::&lt;path-in-store&gt;</c>.</summary>
    StorePath = 2,

    /// <summary><c>tfy-k8s-secret://&lt;KEY&gt;</c>; only for SecretStoreIntegration fields.</summary>
    K8sSecret = 4,

    All = GroupKey | StorePath | K8sSecret,
}
