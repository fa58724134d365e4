using Operator.Testing;

namespace Operator.Playground.Tests;

/// <summary>One playground for a test class, started on first use (a class whose tests all skip starts none).</summary>
public sealed class SharedPlayground : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private RunningPlayground? playground;

    /// <summary>
    /// Ports of this run, passed through to the operator as <c>make run ARGS=...</c> would: the documented defaults
    /// (8080-8082) may be taken by another run on this machine.
    /// </summary>
    public static string[] Args(params string[] more) =>
        [$"--health-port={LoopbackPorts.Free()}", $"--metrics-port={LoopbackPorts.Free()}", $"--api-port={LoopbackPorts.Free()}", .. more];

    public async Task<RunningPlayground> GetAsync()
    {
        await gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return playground ??= await RunningPlayground.StartAsync(Args());
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (playground is not null)
        {
            await playground.DisposeAsync();
        }

        gate.Dispose();
    }
}
