namespace Operator.References;

/// <summary>Form 2: a value at a path in an external store, read through an integration.</summary>
public sealed record StorePathReference(IntegrationFqn Integration, string Path) : SecretReference
{
    /// <summary>Separates the integration FQN from the path in the store.</summary>
    public const string Separator = "::";

    public override ReferenceForms Form => ReferenceForms.StorePath;

    public override string ToString() => $"{Integration}{Separator}{Path}";
}
