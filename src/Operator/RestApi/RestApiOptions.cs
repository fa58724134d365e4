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
}
