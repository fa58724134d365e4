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

/// <summary>
/// A parsed reference. The hierarchy is closed (the constructor is private to this assembly): switch over
/// <see cref="GroupKeyReference"/>, <see cref="StorePathReference"/> and <see cref="K8sSecretReference"/>.
/// <see cref="object.ToString"/> gives the canonical text, which parses back to an equal reference.
/// </summary>
public abstract record SecretReference
{
    private protected SecretReference()
    {
    }

    /// <summary>Which of the three forms this is.</summary>
    public abstract ReferenceForms Form { get; }
}

/// <summary>Form 1: a key of a SecretGroup.</summary>
public sealed record GroupKeyReference(SecretFqn Secret) : SecretReference
{
    public override ReferenceForms Form => ReferenceForms.GroupKey;

    public override string ToString() => Secret.ToString();
}

/// <summary>Form 2: a value at a path in an external store, read through an integration.</summary>
public sealed record StorePathReference(IntegrationFqn Integration, string Path) : SecretReference
{
    /// <summary>Separates the integration FQN from the path in the store.</summary>
    public const string Separator = "::";

    public override ReferenceForms Form => ReferenceForms.StorePath;

    public override string ToString() => $"{Integration}{Separator}{Path}";
}

/// <summary>Form 3: a key of the Kubernetes Secret mounted into the operator pod.</summary>
public sealed record K8sSecretReference(string Key) : SecretReference
{
    public override ReferenceForms Form => ReferenceForms.K8sSecret;

    public override string ToString() => $"{ReferenceParser.K8sSecretScheme}{Key}";
}
