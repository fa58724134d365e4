using System.Diagnostics.Metrics;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

/// <summary>How each reconcile outcome is queued, counted in operator_reconcile_total and logged.</summary>
public sealed class ControllerOutcomeTests : IDisposable
{
    private static readonly ObjectKey Key = new("ns", "app");

    // The meter is static and other tests record on it in parallel: count only this test's async flow.
    private static readonly AsyncLocal<List<string>?> Outcomes = new();

    private readonly FakeTimeProvider time = new();
    private readonly FakeCache<V1Secret> cache = new();
    private readonly ScriptedReconciler reconciler = new();
    private readonly FakeLogger logger = new();
    private readonly ServiceProvider provider;
    private readonly Controller<V1Secret> controller;
    private readonly MeterListener listener = new();
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    public ControllerOutcomeTests()
    {
        provider = new ServiceCollection().AddSingleton(reconciler).BuildServiceProvider();
        controller = new Controller<V1Secret>(
            cache,
            provider.GetRequiredService<IServiceScopeFactory>(),
            sp => sp.GetRequiredService<ScriptedReconciler>(),
            new ControllerOptions { Workers = 1, BackoffBase = TimeSpan.FromSeconds(1), BackoffCap = TimeSpan.FromMinutes(1), Jitter = 0 },
            time,
            logger);
        cache.Put(Build.Secret("ns", "app"));
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RuntimeMetrics.MeterName && instrument.Name == "operator_reconcile_total")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    Outcomes.Value?.Add((string)tag.Value!);
                }
            }
        });
        listener.Start();
        Outcomes.Value = [];
    }

    public void Dispose()
    {
        listener.Dispose();
        controller.Dispose();
        provider.Dispose();
    }

    [Fact]
    public async Task Retry_IsRetriedWithBackoff_CountedAsError_WithOneDebugLineAndNoStackTrace()
    {
        reconciler.Behaviour = (_, _) => Task.FromResult(ReconcileResult.Retry("StoreUnavailable"));
        controller.Enqueue(Key);

        await controller.ProcessNextAsync(ct);

        Assert.Equal(["error"], Outcomes.Value);
        Assert.Equal(1, controller.Queue.NumRequeues(Key));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, controller.Length);
        var line = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal((LogLevel.Debug, null), (line.Level, line.Exception));
        Assert.Contains("StoreUnavailable", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminal_IsNotRetried_AndCountedAsTerminal()
    {
        reconciler.Behaviour = (_, _) => Task.FromResult(ReconcileResult.Terminal("ReferenceCycle"));
        controller.Enqueue(Key);

        await controller.ProcessNextAsync(ct);

        Assert.Equal(["terminal"], Outcomes.Value);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, controller.Length);
        Assert.Null(controller.NextDueAt);
        Assert.True(controller.IsIdle);
        var line = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal((LogLevel.Debug, null), (line.Level, line.Exception));
    }

    [Fact]
    public async Task TerminalException_IsCountedAsTerminal()
    {
        reconciler.Behaviour = (_, _) => throw new TerminalReconcileException("spec.x is invalid");
        controller.Enqueue(Key);

        await controller.ProcessNextAsync(ct);

        Assert.Equal(["terminal"], Outcomes.Value);
    }

    [Fact]
    public async Task Conflict_IsRetried_WithOneInformationLineAndNoStackTrace()
    {
        reconciler.Behaviour = (_, _) => throw new HttpOperationException("Operation returned an invalid status code 'Conflict'")
        {
            Response = new HttpResponseMessageWrapper(new HttpResponseMessage(System.Net.HttpStatusCode.Conflict), ""),
        };
        controller.Enqueue(Key);

        await controller.ProcessNextAsync(ct);

        Assert.Equal(["error"], Outcomes.Value);
        Assert.Equal(1, controller.Queue.NumRequeues(Key));
        var line = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal((LogLevel.Information, null), (line.Level, line.Exception));
    }

    [Fact]
    public async Task UnexpectedException_IsTheOnlyOutcomeLoggedWithItsStackTrace()
    {
        reconciler.Behaviour = (_, _) => throw new InvalidOperationException("bug");
        controller.Enqueue(Key);

        await controller.ProcessNextAsync(ct);

        Assert.Equal(["error"], Outcomes.Value);
        var line = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.IsType<InvalidOperationException>(line.Exception);
    }

    [Fact]
    public async Task DelayedKey_ShowsItsDeadline_UntilItFires()
    {
        reconciler.Behaviour = (_, _) => Task.FromResult(ReconcileResult.RequeueIn(TimeSpan.FromMinutes(5)));
        controller.Enqueue(Key);
        Assert.False(controller.IsIdle);

        await controller.ProcessNextAsync(ct);

        Assert.Equal(["requeue"], Outcomes.Value);
        Assert.True(controller.IsIdle);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(5), controller.NextDueAt);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(controller.NextDueAt);
        Assert.False(controller.IsIdle);
    }
}
