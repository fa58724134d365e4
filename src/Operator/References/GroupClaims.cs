using System.Net;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.References;

/// <summary>
/// Sticky ownership of group FQNs (and so of their default store locations and aliases): one ConfigMap per claimed FQN
/// in the operator's namespace names the namespace that owns it. The first group of a name claims it at its first
/// reconcile; the claim outlives that group, so a namesake elsewhere never inherits it (not when the owner is deleted,
/// nor while GitOps re-creates it). Only someone who may write ConfigMaps in the operator's namespace moves a claim.
/// </summary>
[Rbac("", "configmaps", "get,list,watch,create", "FQN claims: the informer caches the claim ConfigMaps; get and create make a group's first claim. No update or delete: only an admin moves or releases a claim.", Scope = RbacScope.OperatorNamespace)]
public sealed class GroupClaims(IResourceCache<V1ConfigMap> cache, ResourceClient<V1ConfigMap> api, IOptions<TenancyOptions> options)
{
    /// <summary>Label (value <see cref="ClaimValue"/>) that marks a claim; the informer caches only these.</summary>
    public const string ClaimLabel = "secrets.tfy.dev/claim";

    public const string ClaimValue = "group-fqn";

    /// <summary>The claims informer's label selector.</summary>
    public const string Selector = ClaimLabel + "=" + ClaimValue;

    /// <summary>Data keys of a claim.</summary>
    public const string TenantKey = "tenant";

    public const string GroupKey = "group";

    public const string NamespaceKey = "namespace";

    private string Tenant => options.Value.Tenant;

    private string OperatorNamespace => options.Value.Namespace;

    /// <summary>
    /// The claim object's name: <c>fqn.&lt;tenant&gt;.&lt;group&gt;</c> (readable for the admin who moves it), or a
    /// digest when that would exceed a name's 253 characters. The data says which FQN it is, and is checked.
    /// </summary>
    public static string NameOf(string tenant, string group)
    {
        var readable = $"fqn.{tenant}.{group}";
        return readable.Length <= 253 ? readable : "fqn." + Hashes.Digest($"{tenant}:{group}")[..40];
    }

    /// <summary>
    /// The claims informer's transform: what <see cref="NamespaceOf"/> and the claim watch read (identity, labels, data),
    /// with the strings every claim repeats (tenant, namespace, keys) shared; one claim per group, so 10,000 of them.
    /// </summary>
    public static V1ConfigMap CacheForm(V1ConfigMap claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var pool = StringPool.Shared;
        var slim = new V1ConfigMap
        {
            ApiVersion = pool.Share(claim.ApiVersion),
            Kind = pool.Share(claim.Kind),
            Metadata = SlimMetadata.Identity(claim.Metadata),
            Data = pool.Share(claim.Data),
        };
        slim.Metadata.NamespaceProperty = pool.Share(slim.Metadata.NamespaceProperty);
        slim.Metadata.Labels = pool.Share(claim.Metadata?.Labels);
        // Nothing reads a claim's uid (a claim is found by name and checked by its data): ~100 B per group less.
        slim.Metadata.Uid = null;
        return slim;
    }

    /// <summary>The namespace that owns the FQN of groups named <paramref name="group"/>; null while nobody claimed it.</summary>
    public string? NamespaceOf(string group)
    {
        var claim = cache.Get(new ObjectKey(OperatorNamespace, NameOf(Tenant, group)));
        return claim?.Data is { } data
            && data.TryGetValue(TenantKey, out var tenant) && tenant == Tenant
            && data.TryGetValue(GroupKey, out var name) && name == group
            && data.TryGetValue(NamespaceKey, out var ns) && !string.IsNullOrEmpty(ns)
            ? ns
            : null;
    }

    /// <summary>
    /// Records that <paramref name="group"/>'s namespace owns its FQN, unless a claim exists. Returns the owning
    /// namespace as the API has it (another one when a claim was made meanwhile).
    /// </summary>
    public async Task<string> ClaimAsync(SecretGroup group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var name = group.Metadata.Name;
        if (NamespaceOf(name) is { } claimed)
        {
            return claimed;
        }

        var claim = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta
            {
                Name = NameOf(Tenant, name),
                NamespaceProperty = OperatorNamespace,
                Labels = new Dictionary<string, string> { [ManagedLabels.ManagedBy] = ManagedLabels.ManagedByValue, [ClaimLabel] = ClaimValue },
                Annotations = new Dictionary<string, string>
                {
                    ["secrets.tfy.dev/claimed-by"] = $"SecretGroup {group.Metadata.NamespaceProperty}/{name} uid {group.Metadata.Uid}",
                },
            },
            Data = new Dictionary<string, string> { [TenantKey] = Tenant, [GroupKey] = name, [NamespaceKey] = group.Metadata.NamespaceProperty },
        };
        try
        {
            await api.CreateAsync(claim, cancellationToken).ConfigureAwait(false);
            return group.Metadata.NamespaceProperty;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Claimed meanwhile (the cache lags): the live claim decides.
            var live = await api.GetAsync(new ObjectKey(OperatorNamespace, claim.Metadata.Name), cancellationToken).ConfigureAwait(false);
            return live?.Data?.TryGetValue(NamespaceKey, out var ns) == true && live.Data.TryGetValue(GroupKey, out var g) && g == name ? ns : throw new ConditionException(
                "FqnConflict", $"group FQN '{new GroupFqn(Tenant, name)}': ConfigMap {OperatorNamespace}/{claim.Metadata.Name} exists and is not a claim of it; an operator admin must remove it", retry: false);
        }
    }
}
