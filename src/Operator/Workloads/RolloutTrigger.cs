using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Workloads;

/// <summary>
/// Patches the pod template annotations of Deployments, StatefulSets and DaemonSets in the group's namespace that list
/// the group in <c>secrets.tfy.dev/reload</c>, which makes their controllers roll the Pods. A template that already
/// carries the new hash is left alone, so a change rolls each workload once.
/// </summary>
public sealed partial class RolloutTrigger(IKubernetes client, IEventRecorder events, TimeProvider time, ILogger<RolloutTrigger> logger) : IRolloutTrigger
{
    public const string ReloadAnnotation = "secrets.tfy.dev/reload";
    public const string RestartedAtAnnotation = "secrets.tfy.dev/restartedAt";
    public const string DataHashAnnotationPrefix = "secrets.tfy.dev/data-hash.";

    private const int MaxAnnotationNameLength = 63;

    /// <summary>The pod template annotation that records <paramref name="group"/>'s hash (name part shortened to 63 characters if needed).</summary>
    public static string DataHashAnnotation(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var name = "data-hash." + group;
        if (name.Length > MaxAnnotationNameLength)
        {
            var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(group)))[..8];
            name = name[..(MaxAnnotationNameLength - 9)].TrimEnd('-', '.') + "-" + digest;
        }

        return "secrets.tfy.dev/" + name;
    }

    public async Task OnGroupDataChangedAsync(SecretGroup group, string previousHash, string newHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var ns = group.Metadata.NamespaceProperty;
        var name = group.Metadata.Name;
        List<Workload> workloads;
        try
        {
            workloads = await ListAsync(ns, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException)
        {
            var detail = Describe(e);
            LogListFailed(logger, ns, name, detail);
            events.Record(group, EventSeverity.Warning, "RolloutFailed", "Rollout", $"could not list workloads in {ns} to roll them after the data changed: {detail}");
            return;
        }

        var hashAnnotation = DataHashAnnotation(name);
        var restartedAt = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        foreach (var workload in workloads.Where(w => Reloads(w.Object, name)))
        {
            if (workload.TemplateAnnotations?.TryGetValue(hashAnnotation, out var seen) == true && seen == newHash)
            {
                continue;
            }

            var patch = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["template"] = new JsonObject
                    {
                        ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RestartedAtAnnotation] = restartedAt, [hashAnnotation] = newHash } },
                    },
                },
            };
            var workloadName = workload.Object.Metadata.Name;
            try
            {
                await workload.Patch(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), workloadName, ns, cancellationToken).ConfigureAwait(false);
                LogRolled(logger, workload.Object.Kind, ns, workloadName, name);
                events.Record(workload.Object, EventSeverity.Normal, "SecretsChanged", "Rollout", $"pods restarted: data of SecretGroup {name} changed");
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException)
            {
                var detail = Describe(e);
                LogRollFailed(logger, workload.Object.Kind, ns, workloadName, name, detail);
                events.Record(workload.Object, EventSeverity.Warning, "RolloutFailed", "Rollout", $"could not restart pods after SecretGroup {name} changed: {detail}");
                events.Record(group, EventSeverity.Warning, "RolloutFailed", "Rollout", $"could not restart {workload.Object.Kind} {workloadName}: {detail}");
            }
        }
    }

    private static bool Reloads(IKubernetesObject<V1ObjectMeta> workload, string group) =>
        workload.Metadata.Annotations?.TryGetValue(ReloadAnnotation, out var list) == true
        && list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(group, StringComparer.Ordinal);

    private static string Describe(Exception e) =>
        e is HttpOperationException h ? $"the API server answered {(int)h.Response.StatusCode} {h.Response.ReasonPhrase}" : e.Message;

    private async Task<List<Workload>> ListAsync(string ns, CancellationToken cancellationToken)
    {
        var apps = client.AppsV1;
        var deployments = await apps.ListNamespacedDeploymentAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        var statefulSets = await apps.ListNamespacedStatefulSetAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        var daemonSets = await apps.ListNamespacedDaemonSetAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        return
        [
            .. deployments.Items.Select(d => new Workload(Typed(d, V1Deployment.KubeKind), d.Spec?.Template?.Metadata?.Annotations,
                (p, n, s, ct) => apps.PatchNamespacedDeploymentAsync(p, n, s, cancellationToken: ct))),
            .. statefulSets.Items.Select(d => new Workload(Typed(d, V1StatefulSet.KubeKind), d.Spec?.Template?.Metadata?.Annotations,
                (p, n, s, ct) => apps.PatchNamespacedStatefulSetAsync(p, n, s, cancellationToken: ct))),
            .. daemonSets.Items.Select(d => new Workload(Typed(d, V1DaemonSet.KubeKind), d.Spec?.Template?.Metadata?.Annotations,
                (p, n, s, ct) => apps.PatchNamespacedDaemonSetAsync(p, n, s, cancellationToken: ct))),
        ];
    }

    // List items come without apiVersion and kind; Events need them to name the object.
    private static IKubernetesObject<V1ObjectMeta> Typed(IKubernetesObject<V1ObjectMeta> item, string kind)
    {
        item.ApiVersion = "apps/v1";
        item.Kind = kind;
        return item;
    }

    private sealed record Workload(
        IKubernetesObject<V1ObjectMeta> Object,
        IDictionary<string, string>? TemplateAnnotations,
        Func<V1Patch, string, string, CancellationToken, Task> Patch);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Workload} rolled: data of SecretGroup {Group} changed")]
    private static partial void LogRolled(ILogger logger, string kind, string @namespace, string workload, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {Namespace}/{Workload} not rolled after SecretGroup {Group} changed: {Detail}")]
    private static partial void LogRollFailed(ILogger logger, string kind, string @namespace, string workload, string group, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workloads in {Namespace} not listed after SecretGroup {Group} changed: {Detail}")]
    private static partial void LogListFailed(ILogger logger, string @namespace, string group, string detail);
}
