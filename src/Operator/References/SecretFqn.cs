namespace Operator.References;

/// <summary><c>tfy-secret://&lt;tenant&gt;:&lt;group&gt;:&lt;key&gt;</c>: one key of one SecretGroup.</summary>
public sealed record SecretFqn(string Tenant, string Group, string Key)
{
    public GroupFqn GroupFqn => new(Tenant, Group);

    public override string ToString() => $"{ReferenceParser.SecretScheme}{Tenant}:{Group}:{Key}";
}
