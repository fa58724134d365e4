using System.Collections.Concurrent;

namespace Operator.Controllers;

/// <summary>
/// Coalesces the recomputation of an integration's projected monthly calls: at most once per <see cref="MinInterval"/>
/// per integration, however many of its groups change (50,000 groups created in a minute cost one recompute and one
/// status write per integration per interval, not one each).
/// </summary>
public sealed class ProjectionClock
{
    /// <summary>The least time between two recomputations of one integration's projection.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, DateTime> computed = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="integration"/> must wait before its next recomputation; zero when it may recompute now.</summary>
    public TimeSpan WaitFor(string integration, DateTime now) =>
        computed.TryGetValue(integration, out var at) && now - at < MinInterval ? at + MinInterval - now : TimeSpan.Zero;

    /// <summary>Records that <paramref name="integration"/>'s projection was recomputed at <paramref name="now"/>.</summary>
    public void Computed(string integration, DateTime now) => computed[integration] = now;

    /// <summary>Forgets a deleted integration.</summary>
    public void Forget(string integration) => computed.TryRemove(integration, out _);
}
