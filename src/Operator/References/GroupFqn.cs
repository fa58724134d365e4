namespace Operator.References;

/// <summary><c>&lt;tenant&gt;:&lt;group&gt;</c>, unique in the tenant.</summary>
public sealed record GroupFqn(string Tenant, string Group)
{
    public override string ToString() => $"{Tenant}:{Group}";
}
