using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.Entities.V1Alpha1;
using Operator.Hosting;
using Operator.Observability;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>
/// Syncs a group's keys from its integration's store into the managed Secret, as a pipeline: resolve (ownership,
/// integration, access) → read (plan, store reads, aliases) → write (the managed Secret) → one status write. Every
/// step reports a problem as a <see cref="ConditionException"/>; what makes a group due is recorded in its status.
/// </summary>
public sealed class SecretGroupReconciler(
    GroupResolver resolver,
    GroupReader reader,
    ManagedSecretWriter secrets,
    GroupRbacWriter rbac,
    GroupStatusWriter status,
    IOptions<OperatorOptions> options,
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

        try
        {
            // Collaborators → RBAC first: who may see the group does not depend on whether its store answers.
            await rbac.ApplyAsync(entity, entity.Spec.Target?.Name ?? entity.Metadata.Name, options.Value.TenantAdminList(), cancellationToken).ConfigureAwait(false);

            var resolved = resolver.Resolve(entity);
            var now = time.GetUtcNow().UtcDateTime;
            if (SyncSchedule.NotDueUntil(entity, resolved, now) is { } next
                && await secrets.IsIntactAsync(entity, resolved.SecretName, entity.Status!.DataHash!, cancellationToken).ConfigureAwait(false))
            {
                await status.NotDueAsync(entity, resolved, cancellationToken).ConfigureAwait(false);
                return ReconcileResult.RequeueIn(next - now);
            }

            var data = await reader.ReadAsync(entity, resolved, cancellationToken).ConfigureAwait(false);
            var (written, hash) = await secrets.WriteAsync(entity, resolved.SecretName, data.SecretData(), cancellationToken).ConfigureAwait(false);
            // Workloads annotated secrets.tfy.dev/reload roll on a change of data (the rollout controllers watch it), not on the first sync.
            var changed = written && entity.Status?.DataHash is { } previous && previous != hash;
            var result = new SyncResult(data, hash, written, changed, SyncSchedule.WholeSeconds(now), SyncSchedule.Next(now, resolved.Interval));

            await status.SyncedAsync(entity, resolved, result, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.RequeueIn(result.NextSync - now);
        }
        catch (ConditionException e)
        {
            return await status.FailedAsync(entity, e, cancellationToken).ConfigureAwait(false);
        }
    }
}
