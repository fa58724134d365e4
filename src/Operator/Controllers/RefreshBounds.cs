using System.Globalization;
using Operator.Entities.V1Alpha1;

namespace Operator.Controllers;

/// <summary>
/// Refresh intervals and their bounds: <c>0</c> means no periodic refresh; otherwise at least the integration's
/// <c>spec.minRefreshInterval</c> (default 10s, never under 1s: the store's quota pays for every refresh) and at most 24h.
/// The CRDs state the same bounds; the operator checks them again for objects written under an older schema.
/// </summary>
public static class RefreshBounds
{
    public static readonly TimeSpan DefaultFloor = TimeSpan.FromSeconds(10);

    /// <summary>The lowest floor an integration may set.</summary>
    public static readonly TimeSpan LowestFloor = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan Ceiling = TimeSpan.FromHours(24);

    /// <summary>The group's interval (<see cref="TimeSpan.Zero"/>: never), or an error naming the field as the user wrote it.</summary>
    public static (TimeSpan Interval, string? Error) For(SecretGroup group, SecretStoreIntegration integration, TimeSpan fallback)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(integration);
        if (group.Spec.RefreshPolicy is SecretGroupSpec.OnChange or SecretGroupSpec.CreatedOnce)
        {
            return (TimeSpan.Zero, null);
        }

        if (group.Spec.RefreshInterval is { } own)
        {
            return Check(own, "spec.refreshInterval", FloorOf(integration.Spec), $" set by integration '{integration.Metadata.Name}' (spec.minRefreshInterval)");
        }

        // A Ready integration's syncInterval passed CheckIntegration.
        return Durations.TryParse(integration.Spec.SyncInterval, allowZero: true, out var inherited) ? (inherited, null) : (fallback, null);
    }

    /// <summary>The first problem with an integration's <c>spec.minRefreshInterval</c> or <c>spec.syncInterval</c>, if any.</summary>
    public static string? CheckIntegration(SecretStoreIntegrationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.MinRefreshInterval is { } min
            && (!Durations.TryParse(min, out var floor) || floor < LowestFloor || floor > Ceiling))
        {
            return $"spec.minRefreshInterval: {Echo.Quote(min)} must be a duration between {Format(LowestFloor)} and {Format(Ceiling)}";
        }

        return spec.SyncInterval is { } sync ? Check(sync, "spec.syncInterval", FloorOf(spec), " (spec.minRefreshInterval)").Error : null;
    }

    /// <summary>The integration's floor; an unset or out-of-bounds one is the default (CheckIntegration reports the latter).</summary>
    private static TimeSpan FloorOf(SecretStoreIntegrationSpec spec) =>
        Durations.TryParse(spec.MinRefreshInterval, out var floor) && floor >= LowestFloor && floor <= Ceiling ? floor : DefaultFloor;

    private static (TimeSpan Interval, string? Error) Check(string text, string field, TimeSpan floor, string floorSource)
    {
        if (!Durations.TryParse(text, allowZero: true, out var interval))
        {
            return (default, $"{field}: {Echo.Quote(text)} is not a duration such as 30s, 5m or 1h (0 turns periodic refresh off)");
        }

        if (interval > TimeSpan.Zero && interval < floor)
        {
            return (default, $"{field}: {Echo.Quote(text)} is below the floor of {Format(floor)}{floorSource}; use at least {Format(floor)}, or 0 to turn periodic refresh off");
        }

        return interval > Ceiling
            ? (default, $"{field}: {Echo.Quote(text)} is above the ceiling of {Format(Ceiling)}; use at most {Format(Ceiling)}, or 0 to turn periodic refresh off")
            : (interval, null);
    }

    private static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalHours:0.##}h")
        : t.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMinutes:0.##}m")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.##}s");
}
