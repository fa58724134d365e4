namespace Operator.References;

/// <summary>Form 1: a key of a SecretGroup.</summary>
public sealed record GroupKeyReference(SecretFqn Secret) : SecretReference
{
    public override ReferenceForms Form => ReferenceForms.GroupKey;

    public override string ToString() => Secret.ToString();
}
