namespace Operator.Stores;

/// <summary>
/// Shared reads (<c>--shared-reads*</c>): a value many groups use is read once per window and fanned out, within a cache
/// bounded in entries and bytes.
/// </summary>
public sealed class SharedReadOptions
{
    /// <summary>Off: every group's sync reads the store itself (as before shared reads).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Longest a read serves other syncs; a group gets a value at most min(window, its refresh interval) older than a
    /// fresh read would be.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Values kept at most (the oldest read goes first).</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Mebibytes of values kept at most (the oldest read goes first).</summary>
    public int MaxMebibytes { get; set; } = 64;
}
