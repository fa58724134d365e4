using System.Diagnostics;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Operator.Testing.Kube;

namespace Operator.Runtime.Tests.Integration;

/// <summary>Polling and retry helpers for tests against the emulator.</summary>
internal static class Wait
{
    /// <summary>Polls a condition of asynchronous work (not a sleep standing in for logic); fails after <paramref name="timeout"/>.</summary>
    public static async Task ForAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? explain = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        while (true)
        {
            bool met;
            try
            {
                met = await condition();
            }
            catch (HttpOperationException)
            {
                met = false;
            }

            if (met)
            {
                return;
            }

            if (clock.Elapsed > limit)
            {
                Assert.Fail($"timed out after {limit.TotalSeconds} s waiting for {what}. {explain?.Invoke()}");
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    public static Task ForAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? explain = null) =>
        ForAsync(() => Task.FromResult(condition()), what, timeout, explain);

    /// <summary>Retries the test's own writes through injected 5xx faults (the fault is decided before the request is handled).</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (HttpOperationException e) when ((int)e.Response.StatusCode >= 500 && attempt < 20)
            {
            }
        }
    }
}

/// <summary>Cuts an operator instance off the API server, as a crashed or partitioned pod would be.</summary>
internal sealed class CuttableHandler : DelegatingHandler
{
    private volatile bool cut;

    public void Cut() => cut = true;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        cut ? throw new HttpRequestException("connection refused (instance cut off by the test)") : base.SendAsync(request, cancellationToken);
}

/// <summary>Holds back watch requests while closed, so a test decides exactly when a dropped watch comes back.</summary>
internal sealed class WatchGate : DelegatingHandler
{
    private volatile TaskCompletionSource? closed;

    public void Close() => closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => Interlocked.Exchange(ref closed, null)?.TrySetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (closed is { } gate && request.RequestUri?.Query.Contains("watch=true", StringComparison.Ordinal) == true)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>One operator replica: a real host with AddOperatorRuntime + AddController over <see cref="TestItem"/>.</summary>
internal sealed class OperatorInstance : IAsyncDisposable
{
    private readonly IHost host;
    private bool stopped;

    private OperatorInstance(IHost host, CuttableHandler network)
    {
        this.host = host;
        Network = network;
    }

    public CuttableHandler Network { get; }

    public ReconcileCounter Reconciles => host.Services.GetRequiredService<ReconcileCounter>();

    public IOperatorHealth Health => host.Services.GetRequiredService<IOperatorHealth>();

    public static async Task<OperatorInstance> StartAsync(
        KubeApiEmulator kube, string itemNamespace, Action<OperatorRuntimeOptions> runtime, ITestOutputHelper output, string prefix)
    {
        var network = new CuttableHandler();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddProvider(new TestOutputLoggerProvider(output, prefix));
        builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(kube.CreateClientConfiguration(), network));
        builder.Services.AddSingleton<ReconcileCounter>();
        builder.Services.AddOperatorRuntime(runtime);
        builder.Services.AddInformer<TestItem>(o => o.Namespace = itemNamespace);
        builder.Services.AddController<TestItem, CopyToConfigMapReconciler>(o => o.Workers = 4);
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new OperatorInstance(host, network);
    }

    /// <summary>A graceful stop: workers end and the Lease is released.</summary>
    public async Task StopAsync()
    {
        if (!stopped)
        {
            stopped = true;
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>A crash: the instance stops talking to the API server at once, so nothing (the Lease included) is released.</summary>
    public async Task CrashAsync()
    {
        Network.Cut();
        await StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        host.Dispose();
    }
}

/// <summary>Writes log lines to the test output; lines after the test ended are dropped.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output, string prefix) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, prefix, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ITestOutputHelper output, string prefix, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} [{prefix}] {logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}");
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}

/// <summary>Namespaces and CRDs for a fresh emulator.</summary>
internal static class Setup
{
    public static async Task CreateNamespaceAsync(IKubernetes client, string name) =>
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken: TestContext.Current.CancellationToken);
}
