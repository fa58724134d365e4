namespace Operator.Workloads;

/// <summary>
/// How restarts are batched (VSO #644): a workload waits <see cref="Window"/> after the first of its groups' data changes,
/// then restarts once for every group that changed meanwhile.
/// </summary>
public sealed class RolloutOptions
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(10);

    public TimeSpan Window { get; set; } = DefaultWindow;
}
