using Microsoft.Extensions.Logging;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.RestApi;

/// <summary>
/// The API's operations on single secrets (a group's keys): list, get, remove, and read a version. Every store read
/// passes <see cref="GroupStoreAccess"/>, as writes do: a namesake's admin reads nothing of another team's values.
/// </summary>
public sealed partial class SecretService(SecretGroupService groups, GroupStoreAccess access, GroupValueWriter values, ILogger<SecretService> logger)
{
    /// <summary>Largest page with values: each value is a store read.</summary>
    public const int MaxValuePage = 100;

    /// <summary>Most FQNs one <c>secret_fqns</c> may name.</summary>
    public const int MaxFqns = 100;

    public async Task<SecretPage> ListAsync(Caller caller, SecretQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        var withValue = query.WithValue switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw ApiException.Invalid("with_value", "must be true or false"),
        };
        var (limit, offset) = SecretGroupService.Paging(query.Limit, query.Offset, withValue ? MaxValuePage : SecretGroupService.MaxLimit);
        var fqns = Fqns(query.SecretFqns);
        IEnumerable<SecretGroup> candidates = query.SecretGroupId is null
            ? groups.Viewable(caller)
            : await groups.FreshIfViewableAsync(caller, query.SecretGroupId, cancellationToken).ConfigureAwait(false) is { } one ? [one] : [];
        var all = candidates
            .SelectMany(g => (g.Spec.Secrets ?? []).Select(s => (Group: g, Spec: s)))
            .Where(x => fqns is null || fqns.Contains(FqnOf(x.Group, x.Spec.Key)))
            .ToList();
        var views = new List<SecretView>();
        foreach (var byGroup in all.Skip(offset).Take(limit).GroupBy(x => x.Group.Metadata.Uid))
        {
            var group = byGroup.First().Group;
            if (!withValue)
            {
                views.AddRange(byGroup.Select(x => View(group, x.Spec, null, withValue: false)));
                continue;
            }

            groups.Authorize(caller, group, GroupRole.Editor, "listing the values of");
            var locations = await access.OpenAsync(group, cancellationToken).ConfigureAwait(false);
            foreach (var (_, spec) in byGroup)
            {
                var stored = spec.RemoteRef is null ? await locations.ReadAsync(spec.Key, cancellationToken).ConfigureAwait(false) : null;
                views.Add(View(group, spec, stored, withValue: true));
            }
        }

        return new SecretPage(views, new Pagination(all.Count, offset, limit));
    }

    /// <summary>The secret and its current version; the value only for the group's editors and admins.</summary>
    public async Task<SecretView> GetAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var (group, spec) = await FindAsync(caller, id, GroupRole.Viewer, "viewing", cancellationToken).ConfigureAwait(false);
        var locations = await access.OpenAsync(group, cancellationToken).ConfigureAwait(false);
        var stored = spec.RemoteRef is null ? await locations.ReadAsync(spec.Key, cancellationToken).ConfigureAwait(false) : null;
        return View(group, spec, stored, withValue: groups.RoleOf(caller, group) >= GroupRole.Editor);
    }

    /// <summary>One version of the value, as the store keeps it (the built-in store keeps only the current one).</summary>
    public async Task<SecretVersionView> GetVersionAsync(Caller caller, string id, string version, CancellationToken cancellationToken)
    {
        if (version.Length is 0 or > 256)
        {
            throw ApiException.Invalid("version", "must be a store version of 1 to 256 characters");
        }

        var (group, spec) = await FindAsync(caller, id, GroupRole.Editor, "reading the values of", cancellationToken).ConfigureAwait(false);
        if (spec.RemoteRef is not null)
        {
            throw ApiException.NotFound($"id: secret {Echo.Quote(id)} reads {spec.RemoteRef}; the API keeps no versions of values it does not own");
        }

        var locations = await access.OpenAsync(group, cancellationToken).ConfigureAwait(false);
        var stored = await locations.ReadVersionAsync(spec.Key, version, cancellationToken).ConfigureAwait(false)
            ?? throw (locations.KeepsVersions
                ? ApiException.NotFound($"version: the store has no version {Echo.Quote(version)} of secret {Echo.Quote(id)}")
                : new ApiException(404, "version_not_kept", $"version: the store of integration '{locations.Resolved.Fqn}' keeps only the current version of a value, and {Echo.Quote(version)} is not it (GET /v1/secrets/{id} names the current one)"));
        var (text, base64) = SecretValues.Of(stored);
        var at = stored.Version ?? version;
        return new SecretVersionView($"{id}@{at}", FqnOf(group, spec.Key), id, at, text, base64);
    }

    /// <summary>
    /// Removes the key from its group, decided on <paramref name="expectedVersion"/> when given (409 when stale), else on
    /// the group as it is (the key is named, so a concurrent change elsewhere is no reason to refuse). The store keeps
    /// the value unless the integration's deletionPolicy is Delete.
    /// </summary>
    public async Task DeleteAsync(Caller caller, string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < GroupWrites.MaxAttempts; attempt++)
        {
            var (group, spec) = await FindAsync(caller, id, GroupRole.Editor, "removing secrets from", cancellationToken).ConfigureAwait(false);
            var rest = (group.Spec.Secrets ?? []).Where(s => s.Key != spec.Key).Select(s => (SecretInput?)new SecretInput(s.Key, null)).ToList();
            try
            {
                var applied = await values.ApplyAsync(
                    group,
                    new SetSecretsRequest(rest, AllowEmpty: true),
                    expectedVersion ?? GroupWrites.VersionOf(group),
                    g => groups.Authorize(caller, g, GroupRole.Editor, "removing secrets from"),
                    cancellationToken).ConfigureAwait(false);
                LogRemoved(logger, spec.Key, group.Metadata.NamespaceProperty, group.Metadata.Name, applied.Deleted, caller.Name);
                return;
            }
            catch (ApiException e) when (e.Code == "stale" && expectedVersion is null)
            {
            }
        }

        throw new ApiException(409, "conflict", $"id: the group of secret {Echo.Quote(id)} kept changing ({GroupWrites.MaxAttempts} tries); retry");
    }

    private async Task<(SecretGroup Group, SecretKeySpec Spec)> FindAsync(Caller caller, string id, GroupRole needed, string action, CancellationToken cancellationToken)
    {
        var colon = id.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !ReferenceParser.IsValidSecretKey(id[(colon + 1)..]))
        {
            throw ApiException.NotFound($"id: {Echo.Quote(id)} is not a secret id (<secret group id>:<key>)");
        }

        var key = id[(colon + 1)..];
        var group = await groups.RequireFreshAsync(caller, id[..colon], needed, action, cancellationToken).ConfigureAwait(false);
        var spec = (group.Spec.Secrets ?? []).FirstOrDefault(s => s.Key == key)
            ?? throw ApiException.NotFound($"id: group '{groups.Tenant}:{group.Metadata.Name}' has no key '{key}'");
        return (group, spec);
    }

    private static HashSet<string>? Fqns(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var fqns = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fqns.Length > MaxFqns)
        {
            throw ApiException.Invalid("secret_fqns", $"names {fqns.Length} secrets; at most {MaxFqns}");
        }

        if (fqns.FirstOrDefault(f => !f.StartsWith(ReferenceParser.SecretScheme, StringComparison.Ordinal)) is { } bad)
        {
            throw ApiException.Invalid("secret_fqns", $"{Echo.Quote(bad)} is not a secret FQN ({ReferenceParser.SecretScheme}<tenant>:<group>:<key>)");
        }

        return fqns.ToHashSet(StringComparer.Ordinal);
    }

    private string FqnOf(SecretGroup group, string key) => new SecretFqn(groups.Tenant, group.Metadata.Name, key).ToString();

    private SecretView View(SecretGroup group, SecretKeySpec spec, Stores.StoreValue? stored, bool withValue)
    {
        string? text = null, base64 = null;
        if (withValue && stored is not null)
        {
            (text, base64) = SecretValues.Of(stored);
        }

        return new SecretView($"{group.Metadata.Uid}:{spec.Key}", FqnOf(group, spec.Key), spec.Key, group.Metadata.Uid, spec.RemoteRef, stored?.Version, text, base64);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API: key {Key} removed from group {Namespace}/{Name} ({Deleted} values deleted from the store) by {Caller}")]
    private static partial void LogRemoved(ILogger logger, string key, string @namespace, string name, int deleted, string caller);
}
