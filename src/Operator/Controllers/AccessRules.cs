using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>The integration's guards: which namespaces may use it, and whether groups may read arbitrary paths.</summary>
public static class AccessRules
{
    /// <summary>Null when <paramref name="ns"/> may use the integration, else a message naming the rule.</summary>
    public static string? CheckNamespace(SecretStoreIntegration integration, string ns)
    {
        ArgumentNullException.ThrowIfNull(integration);
        var allowed = integration.Spec.Access?.Namespaces;
        if (allowed is null || allowed.Count == 0 || allowed.Contains(ns))
        {
            return null;
        }

        return $"integration '{integration.Metadata.Name}' spec.access.namespaces does not list namespace '{ns}'";
    }

    /// <summary>Null when every source is the group's own default location or path references are allowed.</summary>
    public static string? CheckPaths(SecretStoreIntegration integration, IEnumerable<KeySource> sources, ISecretStore store, GroupFqn group)
    {
        ArgumentNullException.ThrowIfNull(integration);
        ArgumentNullException.ThrowIfNull(store);
        if (integration.Spec.Access?.AllowPathReferences == true)
        {
            return null;
        }

        var outside = sources.FirstOrDefault(s => s.Alias is null && s.Path != store.DefaultPath(group, s.Key));
        return outside is null
            ? null
            : $"key '{outside.Key}' reads '{outside.Path}' outside the group's own location, and integration '{integration.Metadata.Name}' has spec.access.allowPathReferences false";
    }
}
