using k8s;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Playground;

/// <summary>Waits for the sample integrations and groups to turn Ready, so the first <c>kubectl get sg -A</c> a user types shows them synced.</summary>
internal static class SampleStatus
{
    /// <summary>One line per sample integration and group: Ready, or the reason it is not (yet).</summary>
    public static async Task<IReadOnlyList<string>> WaitReadyAsync(IKubernetes client, IReadOnlyList<object> samples, TimeSpan bound, CancellationToken cancellationToken)
    {
        var integrations = new ResourceClient<SecretStoreIntegration>(client);
        var groups = new ResourceClient<SecretGroup>(client);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(bound);
        while (true)
        {
            var lines = new List<string>();
            var allReady = true;
            foreach (var (kind, key) in samples.Select(Describe).OfType<(string Kind, ObjectKey Key)>())
            {
                var conditions = kind == SecretGroup.KindName
                    ? (await groups.GetAsync(key, cancellationToken))?.Status?.Conditions
                    : (await integrations.GetAsync(key, cancellationToken))?.Status?.Conditions;
                var ready = Conditions.Find(conditions, ConditionTypes.Ready);
                allReady &= ready?.Status == Conditions.True;
                lines.Add($"{kind} {key}: {(ready is null ? "no status yet" : ready.Status == Conditions.True ? "Ready" : $"not Ready ({ready.Reason}: {ready.Message})")}");
            }

            if (allReady || deadline.IsCancellationRequested)
            {
                return lines;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The bound passed: report what is not Ready rather than wait on.
            }
        }
    }

    private static (string Kind, ObjectKey Key)? Describe(object sample) => sample switch
    {
        SecretStoreIntegration i => (SecretStoreIntegration.KindName, new ObjectKey(null, i.Metadata.Name)),
        SecretGroup g => (SecretGroup.KindName, new ObjectKey(g.Metadata.NamespaceProperty, g.Metadata.Name)),
        _ => null,
    };
}
