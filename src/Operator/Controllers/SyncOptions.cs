namespace Operator.Controllers;

/// <summary>How often and how widely groups and integrations are reconciled (<c>--sync-interval</c>, <c>--workers</c>, ...).</summary>
public sealed class SyncOptions
{
    /// <summary>Refresh interval for groups whose spec and integration set none.</summary>
    public TimeSpan DefaultSyncInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Concurrent reconciles per kind (integrations get half, at least one).</summary>
    public int Workers { get; set; } = 4;

    /// <summary>How often a Ready integration is re-checked for connectivity and credential changes.</summary>
    public TimeSpan IntegrationRecheckInterval { get; set; } = TimeSpan.FromMinutes(5);
}
