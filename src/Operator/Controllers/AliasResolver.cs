using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>
/// Resolves <c>tfy-secret://</c> aliases to the value the target group has synced into its managed Secret. A target
/// must be in the group's namespace or list it in <c>sharedWithNamespaces</c>; alias chains that loop are refused.
/// </summary>
public sealed class AliasResolver(GroupDirectory directory, ManagedSecretWriter secrets)
{
    private const int MaxChain = 16;

    /// <summary>Values by alias reference text; the first problem is a <see cref="ConditionException"/> (the managed Secret is left as it is).</summary>
    public async Task<IReadOnlyDictionary<string, StoreValue>> ResolveAsync(
        SecretGroup group, IEnumerable<KeySource> aliases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var values = new Dictionary<string, StoreValue>(StringComparer.Ordinal);
        var ns = group.Metadata.NamespaceProperty;
        foreach (var source in aliases)
        {
            var alias = source.Alias!;
            var target = directory.OwnerOf(alias.Group);
            if (target is null)
            {
                throw Unresolved("AliasNotFound", $"key '{source.Key}': no SecretGroup owns '{alias.GroupFqn}'", retry: true);
            }

            var targetNs = target.Metadata.NamespaceProperty;
            if (targetNs != ns && target.Spec.SharedWithNamespaces?.Contains(ns) != true)
            {
                throw Unresolved("AccessDenied", $"key '{source.Key}': group '{alias.GroupFqn}' is in namespace '{targetNs}' and its spec.sharedWithNamespaces does not list '{ns}'", retry: false);
            }

            var cycle = FindCycle(group, source.Key, alias);
            if (cycle is not null)
            {
                throw Unresolved("ReferenceCycle", $"key '{source.Key}': reference cycle {cycle}", retry: false);
            }

            if (target.Spec.Secrets?.Any(s => s.Key == alias.Key) != true)
            {
                throw Unresolved("AliasNotFound", $"key '{source.Key}': group '{alias.GroupFqn}' has no key '{alias.Key}'", retry: true);
            }

            var secretName = target.Status?.SecretName;
            var managed = secretName is null ? null : await secrets.ReadAsync(targetNs, secretName, cancellationToken).ConfigureAwait(false);

            // status.secretName is a pointer anyone who may write status can move: follow it only to the target's own Secret.
            if (managed is not null && !ManagedSecretWriter.IsOwnedBy(managed, target))
            {
                throw Unresolved("AliasNotReady", $"key '{source.Key}': group '{alias.GroupFqn}' does not own Secret '{secretName}' that its status names", retry: true);
            }

            if (managed?.Data is null || !managed.Data.TryGetValue(alias.Key, out var bytes))
            {
                throw Unresolved("AliasNotReady", $"key '{source.Key}': group '{alias.GroupFqn}' has not synced key '{alias.Key}' yet", retry: true);
            }

            var version = target.Status?.Secrets?.FirstOrDefault(s => s.Key == alias.Key)?.Version;
            values[alias.ToString()] = new StoreValue(bytes, version);
        }

        return values;
    }

    private static ConditionException Unresolved(string reason, string message, bool retry) =>
        new(reason, message + "; the managed Secret is unchanged", retry);

    /// <summary>Follows the alias chain from (group, key); returns the loop as text when it comes back to a visited key.</summary>
    private string? FindCycle(SecretGroup group, string key, SecretFqn first)
    {
        var start = $"{group.Metadata.NamespaceProperty}/{group.Metadata.Name}:{key}";
        var visited = new List<string> { start };
        var next = first;
        for (var i = 0; i < MaxChain && next is not null; i++)
        {
            var target = directory.OwnerOf(next.Group);
            if (target is null)
            {
                return null;
            }

            var at = $"{target.Metadata.NamespaceProperty}/{target.Metadata.Name}:{next.Key}";
            if (visited.Contains(at))
            {
                return string.Join(" -> ", visited.Append(at));
            }

            visited.Add(at);
            var remoteRef = target.Spec.Secrets?.FirstOrDefault(s => s.Key == next.Key)?.RemoteRef;
            next = remoteRef is not null && ReferenceParser.TryParseReference(remoteRef, "remoteRef", ReferenceForms.GroupKey, out var r, out _)
                ? ((GroupKeyReference)r).Secret
                : null;
        }

        return next is null ? null : string.Join(" -> ", visited) + " -> ... (chain too long)";
    }
}
