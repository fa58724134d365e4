namespace Operator.RestApi;

/// <summary>The Secret Management REST API (<c>--api-enabled</c>, <c>--api-port</c>, ...).</summary>
public sealed class RestApiOptions
{
    /// <summary>Serve the API on <see cref="Port"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>Port of the API listener (0 = any free port, for tests).</summary>
    public int Port { get; set; } = 8082;

    /// <summary>Namespace where groups created through the API live.</summary>
    public string Namespace { get; set; } = "default";

    /// <summary>Secret in the operator's namespace whose data keys are SHA-256 hex hashes of API keys and values their subjects.</summary>
    public string KeysSecret { get; set; } = "secretgroup-api-keys";

    /// <summary>Serve plain HTTP instead of TLS: only for local use (tokens and values cross the wire in clear).</summary>
    public bool InsecureHttp { get; set; }

    /// <summary>Audience a bearer token must have been issued for (<c>kubectl create token SA --audience secretgroup-api</c>).</summary>
    public string Audience { get; set; } = "secretgroup-api";

    /// <summary>Service in front of the API; its DNS names go into the API's serving certificate.</summary>
    public string ServiceName { get; set; } = "secretgroup-operator-api";

    /// <summary>Secret (in the operator's namespace) holding the API's CA (ca.crt) and serving certificate.</summary>
    public string CertSecret { get; set; } = "secretgroup-operator-api-tls";

    /// <summary>cert-manager writes the API's certificate Secret: only read tls.crt/tls.key.</summary>
    public bool CertManager { get; set; }

    /// <summary>Requests a minute each caller may make (refilled continuously); more get 429 with Retry-After.</summary>
    public int RateLimitPerMinute { get; set; } = 600;

    /// <summary>Requests a caller may make at once before <see cref="RateLimitPerMinute"/> applies.</summary>
    public int RateBurst { get; set; } = 20;
}
