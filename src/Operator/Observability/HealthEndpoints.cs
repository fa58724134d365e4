namespace Operator.Observability;

/// <summary>The probe routes on <c>--health-port</c>; the manifests' probes are generated from these.</summary>
public static class HealthEndpoints
{
    /// <summary>Liveness: the process answers.</summary>
    public const string Liveness = "/healthz";

    /// <summary>Readiness: the informer caches have synced.</summary>
    public const string Readiness = "/readyz";
}
