using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Operator.Runtime.Tests.Integration;

/// <summary>Counts reconciles of one operator instance, so a test can tell which replica did the work.</summary>
internal sealed class ReconcileCounter
{
    private int count;

    public int Count => Volatile.Read(ref count);

    public void Increment() => Interlocked.Increment(ref count);
}

/// <summary>The toy reconciler: copies spec.value into ConfigMap "&lt;name&gt;-copy" and sets Ready=True with observedGeneration.</summary>
internal sealed class CopyToConfigMapReconciler(IKubernetes client, ResourceClient<TestItem> items, TimeProvider time, ReconcileCounter counter)
    : IReconciler<TestItem>
{
    public const string ReadyType = "Ready";

    public static string CopyName(string itemName) => $"{itemName}-copy";

    public async Task<ReconcileResult> ReconcileAsync(TestItem entity, CancellationToken cancellationToken)
    {
        counter.Increment();
        var ns = entity.Metadata.NamespaceProperty;
        var name = CopyName(entity.Metadata.Name);
        var desired = entity.Spec.Value;

        V1ConfigMap? copy = null;
        try
        {
            copy = await client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }

        if (copy is null)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap
                {
                    Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
                    Data = new Dictionary<string, string> { ["value"] = desired },
                },
                ns,
                cancellationToken: cancellationToken);
        }
        else if (copy.Data?.TryGetValue("value", out var current) != true || current != desired)
        {
            copy.Data = new Dictionary<string, string> { ["value"] = desired };
            await client.CoreV1.ReplaceNamespacedConfigMapAsync(copy, name, ns, cancellationToken: cancellationToken);
        }

        // The cached object is shared: work on a copy of its conditions.
        var conditions = entity.Status?.Conditions?.Select(Clone).ToList() ?? [];
        if (Conditions.Set(conditions, ReadyType, Conditions.True, "Copied", $"spec.value is in ConfigMap {name}", entity.Metadata.Generation, time))
        {
            var patch = KubernetesJson.Serialize(new { status = new TestItemStatus { Conditions = conditions } });
            await items.PatchStatusAsync(ObjectKey.From(entity), new V1Patch(patch, V1Patch.PatchType.MergePatch), cancellationToken);
        }

        return ReconcileResult.Done;
    }

    private static V1Condition Clone(V1Condition c) => new()
    {
        Type = c.Type,
        Status = c.Status,
        Reason = c.Reason,
        Message = c.Message,
        ObservedGeneration = c.ObservedGeneration,
        LastTransitionTime = c.LastTransitionTime,
    };
}
