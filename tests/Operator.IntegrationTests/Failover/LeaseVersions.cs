using System.Diagnostics;
using k8s;
using k8s.Models;
using Operator.Testing;

namespace Operator.IntegrationTests.Failover;

/// <summary>
/// Every version of one Lease from now on, as a watch delivers them, with when the test saw each: a poll can miss a
/// version that lives a few milliseconds (a released Lease taken over at once).
/// </summary>
public sealed class LeaseVersions : IAsyncDisposable
{
    private readonly List<(TimeSpan At, string Holder)> seen = [];
    private readonly CancellationTokenSource stop;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private Task watching = Task.CompletedTask;

    private LeaseVersions(CancellationToken ct) => stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

    /// <summary>Starts watching Lease <paramref name="name"/> in the operator's namespace from its current version.</summary>
    public static async Task<LeaseVersions> WatchAsync(IKubernetes client, string name, CancellationToken ct)
    {
        var versions = new LeaseVersions(ct);
        var current = await client.CoordinationV1.ReadNamespacedLeaseAsync(name, ShippedRbac.Namespace, cancellationToken: ct);
        var stream = client.CoordinationV1.WatchListNamespacedLeaseAsync(
            ShippedRbac.Namespace, fieldSelector: $"metadata.name={name}", resourceVersion: current.Metadata.ResourceVersion, cancellationToken: versions.stop.Token);
        versions.watching = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var (_, lease) in stream.WithCancellation(versions.stop.Token))
                    {
                        lock (versions.seen)
                        {
                            versions.seen.Add((versions.clock.Elapsed, lease.Spec?.HolderIdentity ?? ""));
                        }
                    }
                }
                catch (Exception) when (versions.stop.IsCancellationRequested) // a cancelled watch ends with whatever its stream threw
                {
                }
            },
            CancellationToken.None);
        return versions;
    }

    /// <summary>The versions seen so far: when (since the watch started) and who held the Lease ("" once released).</summary>
    public List<(TimeSpan At, string Holder)> Seen()
    {
        lock (seen)
        {
            return [.. seen];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await watching;
        stop.Dispose();
    }
}
