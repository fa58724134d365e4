using Microsoft.Extensions.Options;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>
/// The pipeline's first step, from the caches alone: the group owns its FQN, names an integration of this tenant that
/// is Ready, and its namespace may use it. Each refusal is a <see cref="ConditionException"/> that only a change can fix.
/// </summary>
public sealed class GroupResolver(GroupDirectory groups, GroupClaims claims, IntegrationDirectory integrations, IOptions<TenancyOptions> options, IOptions<SyncOptions> sync)
{
    /// <summary>
    /// <see cref="Resolve"/> after recording the group's claim on its FQN (its first reconcile makes it sticky): the
    /// reconciler's entry, and what any writer to the group's store locations should call.
    /// </summary>
    public async Task<ResolvedGroup> ResolveAsync(SecretGroup group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        CheckOwnership(group);
        var owner = await claims.ClaimAsync(group, cancellationToken).ConfigureAwait(false);
        if (owner != group.Metadata.NamespaceProperty)
        {
            throw Claimed(group, owner);
        }

        return Resolve(group);
    }

    /// <summary>From the caches alone: refuses unless the group owns its FQN (claimed by its namespace, or unclaimed and the oldest).</summary>
    public ResolvedGroup Resolve(SecretGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var tenant = options.Value.Tenant;
        CheckOwnership(group);

        if (GroupRbac.Problem(group) is { } collaborator)
        {
            throw Refused("InvalidSpec", collaborator);
        }

        if (!ReferenceParser.TryParseIntegrationFqn(group.Spec.IntegrationFqn, "spec.integrationFqn", out var fqn, out var fqnError))
        {
            throw Refused("InvalidSpec", fqnError);
        }

        if (fqn.Tenant != tenant)
        {
            throw Refused("InvalidSpec", $"spec.integrationFqn: tenant '{fqn.Tenant}' is not this installation's tenant '{tenant}'");
        }

        var integration = integrations.Find(fqn) ?? throw Refused("IntegrationNotFound", $"spec.integrationFqn: no SecretStoreIntegration has FQN '{fqn}'");
        // Not checked yet (a fresh start, or a spec change being validated) is a wait the integration watch ends; a check
        // that failed for the current spec is the group's problem too.
        var checkedNow = integration.Status?.ObservedGeneration == integration.Metadata.Generation
            && Conditions.Find(integration.Status?.Conditions, ConditionTypes.Ready) is not null;
        if (!checkedNow)
        {
            throw new ConditionException("IntegrationPending", $"waiting for integration '{fqn}' to be checked; see kubectl get ssi {integration.Metadata.Name}", retry: false) { Waiting = true };
        }

        if (!Conditions.IsTrue(integration.Status?.Conditions, ConditionTypes.Ready))
        {
            // Retried, not terminal: the integration's recovery may not be in this cache yet when the group looks (for
            // seconds while a watch is re-established), and nothing else would bring the group back.
            throw new ConditionException("IntegrationNotReady", $"integration '{fqn}' is not Ready; see kubectl get ssi {integration.Metadata.Name}", retry: true);
        }

        if (AccessRules.CheckNamespace(integration, group.Metadata.NamespaceProperty) is { } denied)
        {
            throw Refused("AccessDenied", denied);
        }

        var inputs = new SyncInputs
        {
            Generation = group.Metadata.Generation ?? 0,
            Annotations = SyncSchedule.AnnotationsStamp(group),
            Integration = $"{integration.Metadata.Uid}/{integration.Metadata.Generation}",
            Aliases = groups.AliasStamp(group, tenant),
        };
        var (interval, intervalError) = RefreshBounds.For(group, integration, sync.Value.DefaultSyncInterval);
        if (intervalError is not null)
        {
            throw Refused("InvalidSpec", intervalError);
        }

        return new ResolvedGroup(integration, fqn, group.Spec.Target?.Name ?? group.Metadata.Name, interval, inputs);
    }

    private void CheckOwnership(SecretGroup group)
    {
        if (groups.ClaimedBy(group.Metadata.Name) is { } claimed)
        {
            if (claimed != group.Metadata.NamespaceProperty)
            {
                throw Claimed(group, claimed);
            }

            return;
        }

        var owner = groups.OwnerOf(group.Metadata.Name);
        if (owner is not null && owner.Metadata.Uid != group.Metadata.Uid)
        {
            throw Refused("FqnConflict", $"group FQN '{options.Value.Tenant}:{group.Metadata.Name}' is already used by the older SecretGroup in namespace '{owner.Metadata.NamespaceProperty}'; rename this group");
        }
    }

    private ConditionException Claimed(SecretGroup group, string owner) => Refused(
        "FqnConflict",
        $"group FQN '{options.Value.Tenant}:{group.Metadata.Name}' is already used by namespace '{owner}' (claim ConfigMap {options.Value.Namespace}/{GroupClaims.NameOf(options.Value.Tenant, group.Metadata.Name)}); "
        + "a claim outlives its groups, so no namesake inherits their store location or aliases; rename this group, or ask an operator admin to move the claim");

    private static ConditionException Refused(string reason, string message) => new(reason, message, retry: false);
}
