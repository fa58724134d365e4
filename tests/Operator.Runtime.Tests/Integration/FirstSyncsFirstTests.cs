using System.Collections.Concurrent;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Operator.Testing.Kube;

namespace Operator.Runtime.Tests.Integration;

/// <summary>
/// The real hosted service with one worker: objects that exist when it starts form a wave (the initial list and the
/// leader's pass over the cache); objects created while the wave is being worked through are reconciled next, not after
/// it. The reconciler is gated by the test, so the order is decided by the queue alone, whatever the machine's speed.
/// </summary>
public sealed class FirstSyncsFirstTests
{
    private const string Ns = "first-it";
    private const int Wave = 200;
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ObjectsCreatedDuringAWave_AreReconciledBeforeTheRestOfTheWave()
    {
        await using var kube = await KubeApiEmulator.StartAsync(cancellationToken: ct);
        using var client = kube.CreateClient();
        await TestItemCrd.InstallAsync(client, ct);
        await Setup.CreateNamespaceAsync(client, Ns);
        var items = new ResourceClient<TestItem>(client);
        for (var i = 0; i < Wave; i++)
        {
            await items.CreateAsync(TestItemCrd.Item(Ns, $"wave-{i:000}", "v"), ct);
        }

        var gate = new GatedReconciler();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(kube.CreateClientConfiguration()));
        builder.Services.AddSingleton(gate);
        builder.Services.AddOperatorRuntime(o => o.LeaderElection.Enabled = false);
        builder.Services.AddInformer<TestItem>(o => o.Namespace = Ns);
        builder.Services.AddController<TestItem, GatedReconciler>(o => o.Workers = 1);
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            // Ten of the wave go through; then three objects are created and reach the cache while the wave waits.
            gate.Open(10);
            await Wait.ForAsync(() => Task.FromResult(gate.Order.Count >= 10), "ten reconciles of the wave");
            string[] created = ["new-a", "new-b", "new-c"];
            foreach (var name in created)
            {
                await items.CreateAsync(TestItemCrd.Item(Ns, name, "v"), ct);
            }

            var cache = host.Services.GetRequiredService<IResourceCache<TestItem>>();
            await Wait.ForAsync(() => Task.FromResult(created.All(n => cache.Get(new ObjectKey(Ns, n)) is not null)), "the new objects in the cache");
            gate.Open(Wave + created.Length);
            await Wait.ForAsync(() => Task.FromResult(gate.Order.Count >= Wave + created.Length), "every object reconciled");

            // At most the one wave object a worker had already taken (waiting at the gate) goes between.
            var order = gate.Order.ToList();
            var positions = created.Select(n => order.IndexOf(n)).ToList();
            Assert.All(positions, p => Assert.InRange(p, 10, 10 + created.Length));
            Assert.Equal(created, created.OrderBy(n => order.IndexOf(n)));
        }
        finally
        {
            gate.Open(int.MaxValue / 2);
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Records the order of reconciles; each waits for a permit from the test.</summary>
    private sealed class GatedReconciler : IReconciler<TestItem>
    {
        private readonly SemaphoreSlim permits = new(0);

        public ConcurrentQueue<string> Order { get; } = new();

        public void Open(int count) => permits.Release(count);

        public async Task<ReconcileResult> ReconcileAsync(TestItem entity, CancellationToken cancellationToken)
        {
            await permits.WaitAsync(cancellationToken);
            Order.Enqueue(entity.Metadata.Name);
            return ReconcileResult.Done;
        }

        public Task DeletedAsync(ObjectKey key, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
