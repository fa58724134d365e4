using System.Net;
using k8s;
using k8s.Autorest;

namespace Operator.Runtime;

/// <summary>
/// KubernetesClient's LeaderElector does not release the Lease when cancelled, so a graceful stop would make the
/// other replicas wait a full lease duration. We release it as client-go does: an empty holderIdentity with a
/// 1-second lease (an empty string, not null: the C# elector treats a null holder as "no Lease" and tries to create one).
/// </summary>
internal static class LeaseRelease
{
    public static async Task<bool> ReleaseAsync(IKubernetes client, LeaderElectionOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(options.LeaseName, options.LeaseNamespace, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            if (lease.Spec?.HolderIdentity != options.Identity)
            {
                return false;
            }

            var now = time.GetUtcNow().UtcDateTime;
            lease.Spec.HolderIdentity = string.Empty;
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.AcquireTime = now;
            lease.Spec.RenewTime = now;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, options.LeaseName, options.LeaseNamespace, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Gone, or someone else renewed it meanwhile: nothing of ours to release.
            return false;
        }
    }
}
