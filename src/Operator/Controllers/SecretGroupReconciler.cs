using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.Entities.V1Alpha1;
using Operator.Observability;
using Operator.References;
using Operator.Runtime;
using Operator.Templates;

namespace Operator.Controllers;

/// <summary>
/// Syncs a group's keys from its integration's store into the managed Secret, as a pipeline: resolve (ownership,
/// integration, access) → read (plan, store reads, aliases) → render (spec.target.template) → write (the managed Secret) → one status write. Every
/// step reports a problem as a <see cref="ConditionException"/>; what makes a group due is recorded in its status.
/// Collaborator RBAC follows the write step, so a Role names only a Secret the group owns.
/// </summary>
[Rbac("secrets.tfy.dev", "secretgroups", "list,watch", "The informer caches every group.")]
[Rbac("secrets.tfy.dev", "secretgroups/status", "update", "Status (fqn, conditions, observedGeneration) is written through the status subresource only.")]
[Rbac("secrets.tfy.dev", "secretgroups/finalizers", "update", "Managed Secrets, Roles and RoleBindings carry an owner reference with blockOwnerDeletion, which OwnerReferencesPermissionEnforcement allows only with update on the owner's finalizers.")]
public sealed class SecretGroupReconciler(
    GroupResolver resolver,
    GroupReader reader,
    SecretTemplateRenderer templates,
    ManagedSecretWriter secrets,
    GroupRbacWriter rbac,
    GroupStatusWriter status,
    IOptions<TenancyOptions> options,
    TimeProvider time,
    ILogger<SecretGroupReconciler> logger) : IReconciler<SecretGroup>
{
    public async Task<ReconcileResult> ReconcileAsync(SecretGroup entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var logScope = LogScopes.ForGroup(logger, entity);
        if (entity.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var admins = options.Value.TenantAdmins;
        ConditionException failure;
        try
        {
            var resolved = await resolver.ResolveAsync(entity, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow().UtcDateTime;
            if (SyncSchedule.NotDueUntil(entity, resolved, now) is { } next
                && await secrets.IsIntactAsync(entity, resolved.SecretName, entity.Status!.DataHash!, cancellationToken).ConfigureAwait(false))
            {
                await rbac.ApplyAsync(entity, ManagedSecretWriter.GrantableTarget(entity, resolved.SecretName), admins, cancellationToken).ConfigureAwait(false);
                await status.NotDueAsync(entity, resolved, cancellationToken).ConfigureAwait(false);
                return SyncSchedule.RequeueFor(next, now);
            }

            var data = await reader.ReadAsync(entity, resolved, cancellationToken).ConfigureAwait(false);
            var (secretData, _) = await templates.RenderAsync(entity, data.SecretData(), cancellationToken).ConfigureAwait(false);
            var (written, hash) = await secrets.WriteAsync(entity, resolved.SecretName, secretData, cancellationToken).ConfigureAwait(false);

            // Collaborators → RBAC only now: a Role may name the Secret once the group has written (owns) it; never a Secret merged into.
            await rbac.ApplyAsync(entity, ManagedSecretWriter.GrantableTarget(entity, resolved.SecretName), admins, cancellationToken).ConfigureAwait(false);

            // Workloads annotated secrets.tfy.dev/reload roll on a change of data (the rollout controllers watch it), not on the first sync.
            var changed = written && entity.Status?.DataHash is { } previous && previous != hash;
            var result = new SyncResult(data, hash, written, changed, SyncSchedule.WholeSeconds(now), SyncSchedule.Next(now, resolved.Interval));

            await status.SyncedAsync(entity, resolved, result, cancellationToken).ConfigureAwait(false);
            return SyncSchedule.RequeueFor(result.NextSync, now);
        }
        catch (ConditionException e)
        {
            failure = e;
        }

        // Who may see the group does not depend on whether its store answers; the Secret rule only while the group owns
        // the Secret its spec targets (a group pointed at somebody else's Secret grants nothing on it).
        try
        {
            await rbac.ApplyAsync(entity, secrets.OwnedTargetOf(entity), admins, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionException rbacFailure)
        {
            // The first problem is the one reported, unless it would rest the key while RBAC still needs a retry.
            failure = failure.Retry ? failure : rbacFailure;
        }

        return await status.FailedAsync(entity, failure, cancellationToken).ConfigureAwait(false);
    }
}
