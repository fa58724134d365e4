using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>Turns a group's spec into the list of store reads, or the first reason it cannot be read.</summary>
public static class GroupPlan
{
    /// <summary>Plans the reads for <paramref name="group"/> on <paramref name="integration"/> whose store is <paramref name="store"/>.</summary>
    public static (IReadOnlyList<KeySource> Sources, PlanError? Error) Build(SecretGroup group, IntegrationFqn integration, ISecretStore store, string tenant)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(store);
        var groupFqn = new GroupFqn(tenant, group.Metadata.Name);
        var sources = new List<KeySource>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var specs = group.Spec.Secrets ?? [];
        for (var i = 0; i < specs.Count; i++)
        {
            var field = $"spec.secrets[{i}]";
            var key = specs[i].Key;
            if (ReferenceParser.DescribeInvalidSecretKey(key) is { } keyError)
            {
                return ([], new PlanError("InvalidSpec", $"{field}.key: {keyError}"));
            }

            if (!seen.Add(key))
            {
                return ([], new PlanError("InvalidSpec", $"{field}.key: '{key}' appears more than once"));
            }

            var (source, error) = PlanKey(key, specs[i].RemoteRef, field, integration, store, groupFqn, tenant);
            if (error is not null)
            {
                return ([], error);
            }

            sources.Add(source!);
        }

        // Stores that map key names (Azure, GCP) may map two keys to one name: refuse rather than mix values.
        var collision = sources.Where(s => s.Alias is null).GroupBy(s => VersionPins.Format(integration.Provider, s.Path, s.Version), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (collision is not null)
        {
            return ([], new PlanError("KeyCollision", $"spec.secrets: keys {string.Join(", ", collision.Select(c => $"'{c.Key}'"))} map to the same store path '{collision.Key}'; rename one of them"));
        }

        return (sources, null);
    }

    /// <summary>Where key <paramref name="key"/> with <paramref name="remoteRef"/> (written at <paramref name="field"/>) is read from.</summary>
    internal static (KeySource? Source, PlanError? Error) PlanKey(
        string key, string? remoteRef, string field, IntegrationFqn integration, ISecretStore store, GroupFqn groupFqn, string tenant)
    {
        if (string.IsNullOrEmpty(remoteRef))
        {
            return (new KeySource(key, integration, store.DefaultPath(groupFqn, key)), null);
        }

        if (remoteRef.StartsWith(ReferenceParser.K8sSecretScheme, StringComparison.Ordinal))
        {
            return (null, new PlanError("InvalidReference", $"{field}.remoteRef: tfy-k8s-secret:// references are only allowed in SecretStoreIntegration fields"));
        }

        if (remoteRef.StartsWith(ReferenceParser.SecretScheme, StringComparison.Ordinal) || remoteRef.Contains("::", StringComparison.Ordinal))
        {
            if (!ReferenceParser.TryParseReference(remoteRef, $"{field}.remoteRef", ReferenceForms.GroupKey | ReferenceForms.StorePath, out var parsed, out var error))
            {
                return (null, new PlanError("InvalidReference", error!));
            }

            switch (parsed)
            {
                case StorePathReference p when p.Integration == integration:
                    return Pinned(key, p.Path, field, integration, store);
                case StorePathReference p:
                    return (null, new PlanError("InvalidReference", $"{field}.remoteRef: '{p.Integration}' is not this group's integration '{integration}'; reading from another integration is not supported"));
                case GroupKeyReference g when g.Secret.Tenant != tenant:
                    return (null, new PlanError("InvalidReference", $"{field}.remoteRef: tenant '{g.Secret.Tenant}' is not this installation's tenant '{tenant}'"));
                case GroupKeyReference g:
                    return (new KeySource(key, integration, "", g.Secret), null);
                default:
                    return (null, new PlanError("InvalidReference", $"{field}.remoteRef: unsupported reference"));
            }
        }

        if (remoteRef.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return (null, new PlanError("InvalidReference", $"{field}.remoteRef: a path may not contain whitespace or control characters"));
        }

        return Pinned(key, remoteRef, field, integration, store);
    }

    /// <summary>A store path, with the version it pins split off (VersionPins); a pin on a store without history is refused.</summary>
    private static (KeySource? Source, PlanError? Error) Pinned(string key, string text, string field, IntegrationFqn integration, ISecretStore store)
    {
        if (!VersionPins.TryParse(integration.Provider, text, $"{field}.remoteRef", out var path, out var version, out var error))
        {
            return (null, new PlanError("InvalidReference", error!));
        }

        return version is not null && !store.Capabilities.KeepsVersions
            ? (null, new PlanError("InvalidReference", $"{field}.remoteRef: the {integration.Provider.ToSegment()} store keeps only the current value, so version '{version}' cannot be read"))
            : (new KeySource(key, integration, path, Version: version), null);
    }
}
