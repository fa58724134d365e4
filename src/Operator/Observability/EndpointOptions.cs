namespace Operator.Observability;

/// <summary>The probe and scrape listeners (<c>--health-port</c>, <c>--metrics-port</c>).</summary>
public sealed class EndpointOptions
{
    /// <summary>Port of /healthz and /readyz.</summary>
    public int HealthPort { get; set; } = 8081;

    /// <summary>Port of the Prometheus /metrics endpoint.</summary>
    public int MetricsPort { get; set; } = 8080;
}
