using System.Globalization;
using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.RestApi;

/// <summary>Turns a SecretGroup custom resource into the API's view of it (keys only, never values).</summary>
public static class GroupViews
{
    /// <summary>Set by the API on every write; the view's <c>updatedAt</c>.</summary>
    public const string UpdatedAtAnnotation = ManagedLabels.ApiUpdatedAt;

    public static GroupView From(SecretGroup group, string tenant)
    {
        ArgumentNullException.ThrowIfNull(group);
        var name = group.Metadata.Name;
        var uid = group.Metadata.Uid;
        var manifest = new GroupManifest(
            ManifestValidator.ManifestType,
            name,
            group.Spec.IntegrationFqn,
            (group.Spec.Collaborators ?? []).Select(c => new ManifestCollaborator(c.RoleId, c.Subject)).ToList());
        var secrets = (group.Spec.Secrets ?? [])
            .Select(s => new AssociatedSecret($"{uid}:{s.Key}", new SecretFqn(tenant, name, s.Key).ToString(), s.Key, uid))
            .ToList();
        var created = group.Metadata.CreationTimestamp;
        DateTime? updated = group.Metadata.Annotations?.TryGetValue(UpdatedAtAnnotation, out var text) == true
            && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : created;
        return new GroupView(uid, GroupWrites.VersionOf(group), new GroupFqn(tenant, name).ToString(), tenant, group.Spec.IntegrationFqn, manifest, secrets, created, updated);
    }
}
