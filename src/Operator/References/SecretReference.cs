namespace Operator.References;

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
