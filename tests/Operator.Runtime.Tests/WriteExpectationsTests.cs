using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Operator.Runtime.Tests;

/// <summary>A reconcile never decides on a cached object older than this process's own last write of it.</summary>
public sealed class WriteExpectationsTests : IDisposable
{
    private static readonly ObjectKey Key = new("ns", "app");

    private readonly FakeTimeProvider time = new();
    private readonly FakeCache<V1Secret> cache = new();
    private readonly ScriptedReconciler reconciler = new();
    private readonly ServiceProvider provider;
    private readonly WriteExpectations<V1Secret> expectations;
    private readonly Controller<V1Secret> controller;
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    public WriteExpectationsTests()
    {
        provider = new ServiceCollection().AddSingleton(reconciler).BuildServiceProvider();
        expectations = new WriteExpectations<V1Secret>(time);
        controller = new Controller<V1Secret>(
            cache,
            provider.GetRequiredService<IServiceScopeFactory>(),
            sp => sp.GetRequiredService<ScriptedReconciler>(),
            new ControllerOptions { Workers = 1, Jitter = 0 },
            time,
            new FakeLogger(),
            expectations);
        cache.Put(Build.Secret("ns", "app", resourceVersion: "41"));
    }

    public void Dispose()
    {
        controller.Dispose();
        provider.Dispose();
    }

    /// <summary>The watch event of the operator's own write reaches the cache and the expectations, as the informer delivers it.</summary>
    private void CacheSeesTheWrite(string resourceVersion)
    {
        var written = Build.Secret("ns", "app", resourceVersion: resourceVersion);
        var old = cache.Get(Key)!;
        cache.Put(written);
        expectations.OnUpdated(old, written);
    }

    [Fact]
    public async Task ReconcileWaits_UntilTheCacheHasTheWrittenVersion()
    {
        expectations.Written(Build.Secret("ns", "app", resourceVersion: "42"));
        controller.Enqueue(Key);

        await controller.ProcessNextAsync(ct);
        Assert.Empty(reconciler.Reconciled);

        // The watch event of the write reaches the cache and the handler, which also enqueues the key (as the controller's own watch does).
        CacheSeesTheWrite("42");
        controller.Enqueue(Key);
        await controller.ProcessNextAsync(ct);

        Assert.Equal([Key], reconciler.Reconciled);
        Assert.Equal(0, expectations.Count);
    }

    [Fact]
    public async Task ARelistPastTheWrittenVersion_CountsAsSeen()
    {
        expectations.Written(Build.Secret("ns", "app", resourceVersion: "42"));
        cache.Put(Build.Secret("ns", "app", resourceVersion: "57"));
        controller.Enqueue(Key);

        await controller.ProcessNextAsync(ct);

        Assert.Equal([Key], reconciler.Reconciled);
    }

    [Fact]
    public async Task AHeldBackKey_ComesBackOnceTheExpectationLapses_WithoutAnyEvent()
    {
        expectations.Written(Build.Secret("ns", "app", resourceVersion: "42"));
        controller.Enqueue(Key);
        await controller.ProcessNextAsync(ct);
        Assert.Empty(reconciler.Reconciled);
        Assert.Equal(0, controller.Length);
        Assert.Equal(time.GetUtcNow() + WriteExpectations.Timeout, controller.NextDueAt);

        // The write's watch event never comes (a lost event): the key is back when the expectation lapses, not before.
        time.Advance(WriteExpectations.Timeout - TimeSpan.FromSeconds(1));
        Assert.Equal(0, controller.Length);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, controller.Length);
        await controller.ProcessNextAsync(ct);

        Assert.Equal([Key], reconciler.Reconciled);
    }

    [Fact]
    public async Task AHeldBackKey_ReconciledOnItsWatchEvent_IsNotReconciledAgainWhenTheExpectationWouldHaveLapsed()
    {
        expectations.Written(Build.Secret("ns", "app", resourceVersion: "42"));
        controller.Enqueue(Key);
        await controller.ProcessNextAsync(ct);

        CacheSeesTheWrite("42");
        controller.Enqueue(Key);
        await controller.ProcessNextAsync(ct);
        Assert.Equal([Key], reconciler.Reconciled);

        // The lapse entry went with the reconcile that handed the key out: nothing is due later, no no-op reconcile.
        Assert.Null(controller.NextDueAt);
        time.Advance(WriteExpectations.Timeout);
        Assert.Equal(0, controller.Length);
    }

    [Fact]
    public async Task AHeldBackKey_KeepsTheRefreshItWasScheduledFor()
    {
        // The last reconcile asked for a refresh in 2 minutes and wrote the object; another event hands the key out
        // before the write's own watch event (which a status-only predicate may never turn into an enqueue).
        controller.EnqueueAfter(Key, TimeSpan.FromMinutes(2));
        expectations.Written(Build.Secret("ns", "app", resourceVersion: "42"));
        controller.Enqueue(Key);
        await controller.ProcessNextAsync(ct);
        Assert.Empty(reconciler.Reconciled);

        // Held back, the reconcile did not run, so the refresh it was scheduled for still stands.
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(2), controller.NextDueAt);
        CacheSeesTheWrite("42");
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, controller.Length);
        await controller.ProcessNextAsync(ct);
        Assert.Equal([Key], reconciler.Reconciled);
    }

    [Fact]
    public async Task ADeletedObject_IsHandedToDeletedAsync()
    {
        expectations.Written(Build.Secret("ns", "app", resourceVersion: "42"));
        var gone = cache.Get(Key)!;
        cache.Remove(Key);
        expectations.OnDeleted(gone);
        controller.Enqueue(Key);

        await controller.ProcessNextAsync(ct);

        Assert.Equal([Key], reconciler.Deleted);
    }
}
