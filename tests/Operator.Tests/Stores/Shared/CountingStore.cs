using System.Text;
using Operator.References;
using Operator.Stores;

namespace Operator.Tests.Stores.Shared;

/// <summary>A store of text values that records every read call (its paths), can hold reads until released, and can fail.</summary>
internal sealed class CountingStore(int batchSize = 10) : ISecretStore
{
    private readonly object gate = new();
    private TaskCompletionSource? hold;

    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>The paths of each read call, in order.</summary>
    public List<IReadOnlyList<string>> Calls { get; } = [];

    public Exception? Fail { get; set; }

    public StoreCapabilities Capabilities { get; } = new(batchSize, true, 1024);

    /// <summary>Reads started from now on wait for <see cref="Release"/>.</summary>
    public void Hold() => hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => hold?.TrySetResult();

    public string DefaultPath(GroupFqn group, string key) => $"/{group.Group}/{key}";

    public async Task<IReadOnlyDictionary<string, StoreValue>> ReadManyAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Calls.Add([.. paths]);
        }

        if (hold is { } waiting)
        {
            await waiting.Task.WaitAsync(cancellationToken);
        }

        if (Fail is { } error)
        {
            throw error;
        }

        return paths.Where(Values.ContainsKey).ToDictionary(p => p, p => new StoreValue(Encoding.UTF8.GetBytes(Values[p]), "1"), StringComparer.Ordinal);
    }

    public async Task<StoreValue?> ReadAsync(string path, CancellationToken cancellationToken) =>
        (await ReadManyAsync([path], cancellationToken)).GetValueOrDefault(path);

    public async Task<StoreValue?> ReadVersionAsync(string path, string version, CancellationToken cancellationToken) =>
        (await ReadManyAsync([$"{path}@{version}"], cancellationToken)).GetValueOrDefault($"{path}@{version}");

    public Task<string?> WriteAsync(string path, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        Values[path] = Encoding.UTF8.GetString(value.Span);
        return Task.FromResult<string?>("2");
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        Values.Remove(path);
        return Task.CompletedTask;
    }

    public Task ValidateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
