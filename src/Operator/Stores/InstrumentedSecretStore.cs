using System.Diagnostics;
using Operator.Observability;
using Operator.References;

namespace Operator.Stores;

/// <summary>Decorates a store client with call counts, errors and latency by provider and operation, and calls by
/// integration and namespace.</summary>
public sealed class InstrumentedSecretStore(ISecretStore inner, Provider provider, OperatorMetrics metrics, string integration = "") : ISecretStore
{
    private readonly string providerName = provider.ToSegment();

    /// <summary>The <c>operation</c> label's values, one per store call.</summary>
    public static IReadOnlyList<string> Operations { get; } = ["read_many", "read", "read_version", "write", "delete", "validate", "list"];

    /// <summary>The <c>reason</c> label's values of a failed call: the store's error kinds, <c>Cancelled</c> and <c>Unexpected</c>.</summary>
    public static IReadOnlyList<string> ErrorReasons { get; } = [.. Enum.GetNames<StoreErrorKind>(), "Cancelled", "Unexpected"];

    /// <summary>The decorated client (tests and diagnostics).</summary>
    public ISecretStore Inner => inner;

    public StoreCapabilities Capabilities => inner.Capabilities;

    public string DefaultPath(GroupFqn group, string key) => inner.DefaultPath(group, key);

    public Task<IReadOnlyDictionary<string, StoreValue>> ReadManyAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken) =>
        MeasureAsync("read_many", () => inner.ReadManyAsync(paths, cancellationToken));

    public Task<StoreValue?> ReadAsync(string path, CancellationToken cancellationToken) =>
        MeasureAsync("read", () => inner.ReadAsync(path, cancellationToken));

    public Task<StoreValue?> ReadVersionAsync(string path, string version, CancellationToken cancellationToken) =>
        MeasureAsync("read_version", () => inner.ReadVersionAsync(path, version, cancellationToken));

    public Task<string?> WriteAsync(string path, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) =>
        MeasureAsync("write", () => inner.WriteAsync(path, value, cancellationToken));

    public Task DeleteAsync(string path, CancellationToken cancellationToken) =>
        MeasureAsync("delete", async () =>
        {
            await inner.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task ValidateAsync(CancellationToken cancellationToken) =>
        MeasureAsync("validate", async () =>
        {
            await inner.ValidateAsync(cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task<IReadOnlyList<ListedPath>> ListAsync(ListQuery query, CancellationToken cancellationToken) =>
        MeasureAsync("list", () => inner.ListAsync(query, cancellationToken));

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private async Task<T> MeasureAsync<T>(string operation, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        string? error = null;
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (SecretStoreException e)
        {
            error = e.Kind.ToString();
            throw;
        }
        catch (OperationCanceledException)
        {
            error = "Cancelled";
            throw;
        }
        catch (Exception)
        {
            error = "Unexpected";
            throw;
        }
        finally
        {
            // Latency is a measurement of real elapsed time, not logic, so it does not go through TimeProvider.
            metrics.RecordStoreCall(providerName, operation, Stopwatch.GetElapsedTime(started), error, integration);
        }
    }
}
