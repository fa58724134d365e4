using Operator.Entities.V1Alpha1;

namespace Operator.References;

/// <summary>The SecretGroup cache's indexes, so lookups by name, alias target or integration do not scan every group.</summary>
public static class GroupIndexes
{
    /// <summary>metadata.name (FQN ownership, namesakes, credentials read from a group).</summary>
    public const string Name = "name";

    /// <summary><c>&lt;tenant&gt;:&lt;group&gt;</c> of every <c>tfy-secret://</c> remoteRef (the groups this one aliases).</summary>
    public const string Aliases = "aliases";

    /// <summary>The integration name at the end of spec.integrationFqn (<c>...:secret-store:&lt;name&gt;</c>).</summary>
    public const string Integration = "integration";

    public static IEnumerable<string> NameOf(SecretGroup group) => [group.Metadata.Name];

    public static IEnumerable<string> AliasTargetsOf(SecretGroup group) => AliasedGroups(group).Select(g => g.ToString());

    public static IEnumerable<string> IntegrationOf(SecretGroup group) =>
        IntegrationNameOf(group.Spec?.IntegrationFqn) is { } name ? [name] : [];

    /// <summary>The groups whose keys <paramref name="group"/> aliases with <c>tfy-secret://</c> remoteRefs (strictly parsed).</summary>
    public static IEnumerable<GroupFqn> AliasedGroups(SecretGroup group) => (group.Spec?.Secrets ?? [])
        .Select(s => ReferenceParser.TryParseReference(s.RemoteRef, "remoteRef", ReferenceForms.GroupKey, out var reference, out _) ? reference as GroupKeyReference : null)
        .OfType<GroupKeyReference>()
        .Select(r => r.Secret.GroupFqn)
        .Distinct();

    /// <summary>The integration name of a valid integration FQN, else null.</summary>
    public static string? IntegrationNameOf(string? fqn) =>
        ReferenceParser.TryParseIntegrationFqn(fqn, "integrationFqn", out var parsed, out _) ? parsed.Name : null;
}
