using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

public sealed class ControllerTests : IDisposable
{
    private static readonly ObjectKey Key = new("ns", "app");

    private readonly FakeTimeProvider time = new();
    private readonly FakeCache<V1Secret> cache = new();
    private readonly ScriptedReconciler reconciler = new();
    private readonly FakeLogger logger = new();
    private readonly ServiceProvider provider;
    private readonly Controller<V1Secret> controller;
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    public ControllerTests()
    {
        provider = new ServiceCollection().AddSingleton(reconciler).BuildServiceProvider();
        controller = new Controller<V1Secret>(
            cache,
            provider.GetRequiredService<IServiceScopeFactory>(),
            sp => sp.GetRequiredService<ScriptedReconciler>(),
            new ControllerOptions { Workers = 2, BackoffBase = TimeSpan.FromSeconds(1), BackoffCap = TimeSpan.FromMinutes(1), Jitter = 0 },
            time,
            logger);
        cache.Put(Build.Secret("ns", "app"));
    }

    public void Dispose()
    {
        controller.Dispose();
        provider.Dispose();
    }

    [Fact]
    public async Task RequeueAfter_ReconcilesAgainOnlyAfterTheDelay()
    {
        reconciler.Behaviour = (_, _) => Task.FromResult(ReconcileResult.RequeueIn(TimeSpan.FromMinutes(5)));
        controller.Enqueue(Key);

        await controller.ProcessNextAsync(ct);

        Assert.Equal(0, controller.Length);
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, controller.Length);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, controller.Length);
    }

    [Fact]
    public async Task Failure_IsRetriedWithGrowingBackoff()
    {
        reconciler.Behaviour = (_, _) => throw new InvalidOperationException("store down");
        controller.Enqueue(Key);

        await controller.ProcessNextAsync(ct);
        Assert.Equal(1, controller.Queue.NumRequeues(Key));
        Assert.Equal(0, controller.Length);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, controller.Length);

        await controller.ProcessNextAsync(ct);
        Assert.Equal(2, controller.Queue.NumRequeues(Key));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, controller.Length);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, controller.Length);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error && r.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Success_AfterFailures_ResetsBackoff()
    {
        var calls = 0;
        reconciler.Behaviour = (_, _) => ++calls == 1 ? throw new InvalidOperationException("once") : Task.FromResult(ReconcileResult.Done);
        controller.Enqueue(Key);

        await controller.ProcessNextAsync(ct);
        time.Advance(TimeSpan.FromSeconds(1));
        await controller.ProcessNextAsync(ct);

        Assert.Equal(0, controller.Queue.NumRequeues(Key));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, controller.Length);
    }

    [Fact]
    public async Task TerminalFailure_IsNotRetried()
    {
        reconciler.Behaviour = (_, _) => throw new TerminalReconcileException("spec.refreshInterval is not a duration");
        controller.Enqueue(Key);

        await controller.ProcessNextAsync(ct);

        Assert.Equal(0, controller.Queue.NumRequeues(Key));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, controller.Length);
        var line = Assert.Single(logger.Collector.GetSnapshot(), r => r.Message.Contains("spec.refreshInterval"));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, line.Level);
        Assert.Null(line.Exception);
    }

    [Fact]
    public async Task KeyAbsentFromCache_CallsDeletedAsync()
    {
        var gone = new ObjectKey("ns", "gone");
        controller.Enqueue(gone);

        await controller.ProcessNextAsync(ct);

        Assert.Equal([gone], reconciler.Deleted);
        Assert.Empty(reconciler.Reconciled);
    }

    [Fact]
    public async Task ReconcileIsCalledWithTheCachedObject()
    {
        V1Secret? seen = null;
        var cached = Build.Secret("ns", "app", resourceVersion: "42");
        cache.Put(cached);
        reconciler.Behaviour = (e, _) =>
        {
            seen = e;
            return Task.FromResult(ReconcileResult.Done);
        };
        controller.Enqueue(Key);

        await controller.ProcessNextAsync(ct);

        Assert.Same(cached, seen);
    }

    [Fact]
    public async Task CancelledReconcile_LeavesTheKeyQueuedForTheNextLeader()
    {
        using var leading = new CancellationTokenSource();
        reconciler.Behaviour = async (_, token) =>
        {
            await leading.CancelAsync();
            token.ThrowIfCancellationRequested();
            return ReconcileResult.Done;
        };
        controller.Enqueue(Key);

        var more = await controller.ProcessNextAsync(leading.Token);

        Assert.False(more);
        Assert.Equal(1, controller.Length);
        Assert.Equal(0, controller.Queue.NumRequeues(Key));
    }

    [Fact]
    public async Task Run_ReconcilesEveryCachedObject_AndStopsWhenCancelled()
    {
        cache.Put(Build.Secret("ns", "second"));
        cache.Put(Build.Secret("other", "third"));
        var done = new CountdownEvent(3);
        reconciler.Behaviour = (_, _) =>
        {
            done.Signal();
            return Task.FromResult(ReconcileResult.Done);
        };
        using var leading = new CancellationTokenSource();

        var run = controller.RunAsync(leading.Token);
        Assert.True(done.Wait(TimeSpan.FromSeconds(10), ct));
        await leading.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), ct);

        Assert.Equal(3, reconciler.Reconciled.Distinct().Count());
    }

    [Fact]
    public async Task SameKey_IsNeverReconciledConcurrently()
    {
        var inFlight = 0;
        var maxInFlight = 0;
        var calls = 0;
        var finished = new TaskCompletionSource();
        reconciler.Behaviour = async (_, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            controller.Enqueue(Key);
            await Task.Yield();
            Interlocked.Decrement(ref inFlight);
            if (Interlocked.Increment(ref calls) >= 20)
            {
                finished.TrySetResult();
            }

            return ReconcileResult.Done;
        };
        using var leading = new CancellationTokenSource();
        controller.Enqueue(Key);

        var running = controller.RunAsync(leading.Token);
        await finished.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        await leading.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10), ct);

        Assert.Equal(1, maxInFlight);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
