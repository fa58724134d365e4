namespace Operator.References;

/// <summary><c>&lt;tenant&gt;:&lt;provider&gt;:&lt;providerAccount&gt;:secret-store:&lt;name&gt;</c>.</summary>
public sealed record IntegrationFqn(string Tenant, Provider Provider, string ProviderAccount, string Name)
{
    /// <summary>The literal fourth segment of every integration FQN.</summary>
    public const string SecretStoreSegment = "secret-store";

    public override string ToString() =>
        $"{Tenant}:{Provider.ToSegment()}:{ProviderAccount}:{SecretStoreSegment}:{Name}";
}

// These records are plain data: ReferenceParser is the one gate that validates text. A record built by hand
// from unvalidated parts formats to text the parser would refuse, so build them from parsed or checked parts.
