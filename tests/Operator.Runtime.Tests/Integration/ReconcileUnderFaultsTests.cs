using k8s;
using k8s.Models;
using Operator.Testing.Kube;

namespace Operator.Runtime.Tests.Integration;

/// <summary>The real hosted service reconciling a test CRD while the API server fails a share of all requests.</summary>
public sealed class ReconcileUnderFaultsTests(ITestOutputHelper output)
{
    private const string Ns = "faults-it";
    private const int Items = 30;
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ToyReconciler_ReachesTheDesiredStateForEveryObject_Under10PercentServerErrors()
    {
        await using var kube = await KubeApiEmulator.StartAsync(cancellationToken: ct);
        using var client = kube.CreateClient();
        await TestItemCrd.InstallAsync(client, ct);
        await Setup.CreateNamespaceAsync(client, Ns);
        var items = new ResourceClient<TestItem>(client);

        // Every request fails with 10 % chance: lists, watches, reads, writes and status patches of the operator alike.
        kube.Faults.FailShare(0.1, 500);
        await using var op = await OperatorInstance.StartAsync(kube, Ns, o => o.LeaderElection.Enabled = false, output, "op");
        for (var i = 0; i < Items; i++)
        {
            await Wait.RetryAsync(() => items.CreateAsync(TestItemCrd.Item(Ns, $"item-{i:00}", $"value-{i}"), ct));
        }

        // Change a third of them while the operator is busy, so the end state must follow the latest spec.
        for (var i = 0; i < Items; i += 3)
        {
            var patch = new V1Patch($$$"""{"spec":{"value":"changed-{{{i}}}"}}""", V1Patch.PatchType.MergePatch);
            await Wait.RetryAsync(() => items.PatchAsync(new ObjectKey(Ns, $"item-{i:00}"), patch, ct));
        }

        var pending = Items;
        await Wait.ForAsync(
            async () => (pending = await CountNotConvergedAsync(client, items)) == 0,
            "every item to be copied and Ready",
            TimeSpan.FromSeconds(30),
            () => $"{pending} items not converged");

        var injected = kube.Requests.Count(r => r.StatusCode == 500);
        kube.Faults.Clear();
        Assert.Equal(0, await CountNotConvergedAsync(client, items));
        var copies = await client.CoreV1.ListNamespacedConfigMapAsync(Ns, cancellationToken: ct);
        Assert.Equal(Items, copies.Items.Count(c => c.Metadata.Name.EndsWith("-copy", StringComparison.Ordinal)));
        Assert.True(injected >= 10, $"only {injected} faults were injected");
        output.WriteLine($"{op.Reconciles.Count} reconciles, {injected} injected 500s of {kube.Requests.Count} requests");
    }

    /// <summary>Items whose copy or Ready condition does not match the current spec and generation.</summary>
    private async Task<int> CountNotConvergedAsync(IKubernetes client, ResourceClient<TestItem> items)
    {
        var copies = (await client.CoreV1.ListNamespacedConfigMapAsync(Ns, cancellationToken: ct)).Items
            .ToDictionary(c => c.Metadata.Name, c => c.Data?.TryGetValue("value", out var v) == true ? v : null);
        var all = await items.ListAsync(Ns, null, ct);
        Assert.Equal(Items, all.Count);
        return all.Count(item =>
        {
            var ready = Conditions.Find(item.Status?.Conditions, CopyToConfigMapReconciler.ReadyType);
            return !copies.TryGetValue(CopyToConfigMapReconciler.CopyName(item.Metadata.Name), out var copied)
                || copied != item.Spec.Value
                || ready?.Status != Conditions.True
                || ready.ObservedGeneration != item.Metadata.Generation;
        });
    }
}
