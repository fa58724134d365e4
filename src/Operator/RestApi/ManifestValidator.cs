using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.RestApi;

/// <summary>Checks a group manifest; every problem is a 422 that names the field.</summary>
public static class ManifestValidator
{
    public const string ManifestType = "secret-group";

    public static ValidManifest Validate(GroupManifest? manifest, string tenant)
    {
        if (manifest is null)
        {
            throw ApiException.Invalid("manifest", "is required");
        }

        if (manifest.Type != ManifestType)
        {
            throw ApiException.Invalid("manifest.type", $"must be '{ManifestType}'");
        }

        if (!ReferenceParser.IsValidName(manifest.Name))
        {
            throw ApiException.Invalid("manifest.name", "must be a DNS-1123 label: 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit");
        }

        if (!ReferenceParser.TryParseIntegrationFqn(manifest.IntegrationFqn, "manifest.integration_fqn", out var fqn, out var error))
        {
            throw new ApiException(422, "validation_failed", error);
        }

        if (fqn.Tenant != tenant)
        {
            throw ApiException.Invalid("manifest.integration_fqn", $"tenant '{fqn.Tenant}' is not this installation's tenant '{tenant}'");
        }

        var collaborators = new List<Collaborator>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = manifest.Collaborators ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var c = list[i];
            var field = $"manifest.collaborators[{i}]";
            if (c is null)
            {
                throw ApiException.Invalid(field, "must be an object with role_id and subject");
            }

            if (GroupRoles.Parse(c.RoleId) == GroupRole.None)
            {
                throw ApiException.Invalid($"{field}.role_id", $"must be one of {GroupRoles.Admin}, {GroupRoles.Editor}, {GroupRoles.Viewer}");
            }

            if (!IsValidSubject(c.Subject))
            {
                throw ApiException.Invalid($"{field}.subject", "must be 'user:<name>' or 'team:<name>' without spaces, at most 253 characters");
            }

            if (!seen.Add(c.Subject!))
            {
                throw ApiException.Invalid($"{field}.subject", $"'{c.Subject}' is listed more than once");
            }

            collaborators.Add(new Collaborator { RoleId = c.RoleId!, Subject = c.Subject! });
        }

        return new ValidManifest(manifest.Name, fqn, collaborators);
    }

    private static bool IsValidSubject(string? subject) =>
        subject is { Length: >= 6 and <= 253 }
        && (subject.StartsWith("user:", StringComparison.Ordinal) || subject.StartsWith("team:", StringComparison.Ordinal))
        && !subject.Any(char.IsWhiteSpace);
}
