using k8s;
using k8s.Models;

namespace Operator.Workloads;

/// <summary>
/// The workload kinds that reload (Deployment, StatefulSet, DaemonSet): their pod template's annotations, and the form
/// the informer caches them in, which keeps only what the rollout controller reads.
/// </summary>
public static class PodTemplates
{
    /// <summary>The pod template annotations of a Deployment, StatefulSet or DaemonSet (null when it has none).</summary>
    public static IDictionary<string, string>? AnnotationsOf(IKubernetesObject<V1ObjectMeta> workload) => workload switch
    {
        V1Deployment d => d.Spec?.Template?.Metadata?.Annotations,
        V1StatefulSet s => s.Spec?.Template?.Metadata?.Annotations,
        V1DaemonSet d => d.Spec?.Template?.Metadata?.Annotations,
        _ => throw new NotSupportedException($"{workload?.GetType().Name} is not a workload kind that reloads"),
    };

    /// <summary>
    /// The informer transform: identity, the reload annotation and the operator's own template annotations; no
    /// containers, no other annotations (kubectl's last-applied configuration can be large).
    /// </summary>
    public static T Slim<T>(T workload)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(workload);
        var meta = workload.Metadata ?? new V1ObjectMeta();
        var slimMeta = Operator.Runtime.SlimMetadata.Identity(meta);
        slimMeta.Annotations = meta.Annotations?.TryGetValue(ReloadAnnotations.Reload, out var reload) == true
            ? new Dictionary<string, string> { [ReloadAnnotations.Reload] = reload }
            : null;
        var template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Annotations = AnnotationsOf(workload)?.Where(a => ReloadAnnotations.IsOurs(a.Key)).ToDictionary(a => a.Key, a => a.Value) },
        };
        object slim = workload switch
        {
            V1Deployment => new V1Deployment { Spec = new V1DeploymentSpec { Template = template } },
            V1StatefulSet => new V1StatefulSet { Spec = new V1StatefulSetSpec { Template = template } },
            V1DaemonSet => new V1DaemonSet { Spec = new V1DaemonSetSpec { Template = template } },
            _ => throw new NotSupportedException($"{workload.GetType().Name} is not a workload kind that reloads"),
        };
        var typed = (T)slim;
        typed.ApiVersion = "apps/v1";
        typed.Kind = Operator.Runtime.EntityMetadata.For<T>().Kind;
        typed.Metadata = slimMeta;
        return typed;
    }
}
