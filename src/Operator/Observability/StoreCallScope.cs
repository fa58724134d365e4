namespace Operator.Observability;

/// <summary>
/// The store calls made on behalf of one group's sync: opened by the read step around its store reads, it tells the
/// instrumented store which namespace a call is for and counts the calls (for <c>secretgroup_store_calls_per_sync</c>).
/// Flows with the async context, so concurrent reconciles each see their own.
/// </summary>
public sealed class StoreCallScope : IDisposable
{
    private static readonly AsyncLocal<StoreCallScope?> CurrentScope = new();
    private readonly StoreCallScope? outer;
    private int calls;

    private StoreCallScope(string @namespace, StoreCallScope? outer)
    {
        Namespace = @namespace;
        this.outer = outer;
    }

    /// <summary>The scope of the sync running in this async context, if any.</summary>
    public static StoreCallScope? Current => CurrentScope.Value;

    /// <summary>The namespace of the group being synced.</summary>
    public string Namespace { get; }

    /// <summary>Store calls made inside this scope so far.</summary>
    public int Calls => Volatile.Read(ref calls);

    public static StoreCallScope Begin(string @namespace)
    {
        var scope = new StoreCallScope(@namespace, CurrentScope.Value);
        CurrentScope.Value = scope;
        return scope;
    }

    internal void Count() => Interlocked.Increment(ref calls);

    public void Dispose() => CurrentScope.Value = outer;
}
