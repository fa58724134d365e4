using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Workloads;

/// <summary>
/// Level-based rollouts for one workload kind: a workload's pod template records, per group it reloads, the data hash
/// its Pods were last rolled for; when a group's <c>status.dataHash</c> differs, the template is patched (the kind's own
/// controller then rolls the Pods, as <c>kubectl rollout restart</c> does). A failed patch is retried with backoff. A
/// template without a hash for a group is rolled only when the group's data changed after the workload was created,
/// so neither a group's first sync nor a restart of the operator rolls anything by itself.
/// </summary>
[Rbac("apps", "deployments", "list,watch,patch", "Rollouts: workloads are cached to find those listing a group in secrets.tfy.dev/reload; their pod template is patched when the group's data changes.")]
[Rbac("apps", "statefulsets", "list,watch,patch", "Rollouts, as for Deployments: cached to find reloading StatefulSets, the pod template patched on a data change.")]
[Rbac("apps", "daemonsets", "list,watch,patch", "Rollouts, as for Deployments: cached to find reloading DaemonSets, the pod template patched on a data change.")]
public sealed partial class RolloutReconciler<TWorkload>(
    IResourceCache<SecretGroup> groups,
    ResourceClient<TWorkload> api,
    IEventRecorder events,
    IOptions<RolloutOptions> options,
    RolloutMetrics metrics,
    TimeProvider time,
    ILogger<RolloutReconciler<TWorkload>> logger) : IReconciler<TWorkload>
    where TWorkload : class, IKubernetesObject<V1ObjectMeta>
{
    public async Task<ReconcileResult> ReconcileAsync(TWorkload entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var due = Due(entity);
        if (due.Count == 0)
        {
            return ReconcileResult.Done;
        }

        // Debounce (VSO #644): wait out the window from the first change not rolled yet, so groups rotated together
        // restart the workload once. Level-based: a later reconcile recomputes the same moment from the groups' status.
        var now = time.GetUtcNow().UtcDateTime;
        var rollAt = due.Min(d => d.Group.Status?.DataChangeTime is { } changed ? DateTime.SpecifyKind(changed, DateTimeKind.Utc) : now) + options.Value.Window;
        if (now < rollAt)
        {
            return ReconcileResult.RequeueIn(rollAt - now);
        }

        var annotations = new JsonObject { [ReloadAnnotations.RestartedAt] = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) };
        foreach (var (group, hash) in due)
        {
            annotations[ReloadAnnotations.DataHash(group.Metadata.Name)] = hash;
        }

        var patch = new JsonObject { ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = annotations } } } };
        var (kind, ns, name) = (entity.Kind, entity.Metadata.NamespaceProperty, entity.Metadata.Name);
        try
        {
            await api.PatchAsync(ObjectKey.From(entity), new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException)
        {
            var detail = e is HttpOperationException h ? $"the API server answered {(int)h.Response.StatusCode} {h.Response.ReasonPhrase}" : e.Message;
            foreach (var (group, _) in due)
            {
                LogRollFailed(logger, kind, ns, name, group.Metadata.Name, detail);
                events.Record(entity, EventSeverity.Warning, "RolloutFailed", "Rollout", $"could not restart pods after SecretGroup {group.Metadata.Name} changed: {detail}");
                events.Record(group, EventSeverity.Warning, "RolloutFailed", "Rollout", $"could not restart {kind} {name}: {detail}");
            }

            metrics.Record(kind, rolled: false);
            return ReconcileResult.Retry("RolloutFailed");
        }

        metrics.Record(kind, rolled: true);
        foreach (var (group, _) in due)
        {
            LogRolled(logger, kind, ns, name, group.Metadata.Name);
            events.Record(entity, EventSeverity.Normal, "SecretsChanged", "Rollout", $"pods restarted: data of SecretGroup {group.Metadata.Name} changed");
        }

        return ReconcileResult.Done;
    }

    /// <summary>The groups whose data the workload's Pods have not been rolled for, with the hash to record.</summary>
    private List<(SecretGroup Group, string Hash)> Due(TWorkload workload)
    {
        var template = PodTemplates.AnnotationsOf(workload);
        var due = new List<(SecretGroup, string)>();
        foreach (var name in ReloadAnnotations.GroupsOf(workload))
        {
            var group = groups.Get(new ObjectKey(workload.Metadata.NamespaceProperty, name));
            if (group?.Status?.DataHash is not { } hash)
            {
                continue;
            }

            string? seen = null;
            if (template?.TryGetValue(ReloadAnnotations.DataHash(name), out seen) != true)
            {
                // Never rolled for this group: only a change of its data since the workload was created asks for it.
                if (group.Status.DataChangeTime is { } changed && workload.Metadata.CreationTimestamp < changed)
                {
                    due.Add((group, hash));
                }
            }
            else if (seen != hash)
            {
                due.Add((group, hash));
            }
        }

        return due;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Workload} rolled: data of SecretGroup {Group} changed")]
    private static partial void LogRolled(ILogger logger, string kind, string @namespace, string workload, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {Namespace}/{Workload} not rolled after SecretGroup {Group} changed: {Detail}")]
    private static partial void LogRollFailed(ILogger logger, string kind, string @namespace, string workload, string group, string detail);
}
