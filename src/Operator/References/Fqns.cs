namespace Operator.References;

// These records are plain data: ReferenceParser is the one gate that validates text. A record built by hand
// from unvalidated parts formats to text the parser would refuse, so build them from parsed or checked parts.

/// <summary><c>&lt;tenant&gt;:&lt;provider&gt;:&lt;providerAccount&gt;:secret-store:&lt;name&gt;</c>.</summary>
public sealed record IntegrationFqn(string Tenant, Provider Provider, string ProviderAccount, string Name)
{
    /// <summary>The literal fourth segment of every integration FQN.</summary>
    public const string SecretStoreSegment = "secret-store";

    public override string ToString() =>
        $"{Tenant}:{Provider.ToSegment()}:{ProviderAccount}:{SecretStoreSegment}:{Name}";
}

/// <summary><c>&lt;tenant&gt;:&lt;group&gt;</c>, unique in the tenant.</summary>
public sealed record GroupFqn(string Tenant, string Group)
{
    public override string ToString() => $"{Tenant}:{Group}";
}

/// <summary><c>tfy-secret://&lt;tenant&gt;:&lt;group&gt;:&lt;key&gt;</c>: one key of one SecretGroup.</summary>
public sealed record SecretFqn(string Tenant, string Group, string Key)
{
    public GroupFqn GroupFqn => new(Tenant, Group);

    public override string ToString() => $"{ReferenceParser.SecretScheme}{Tenant}:{Group}:{Key}";
}
